namespace CypherScoping.Cli;

public static class CliProgram
{
    public static Task<int> Main(string[] args) => Task.FromResult(args.Length >= 0 ? 0 : 1);
}
