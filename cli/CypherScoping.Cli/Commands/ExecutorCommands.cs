using System.CommandLine;

namespace CypherScoping.Cli.Commands;

public static class ExecutorCommands
{
    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
    }
}
