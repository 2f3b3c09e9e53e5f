using System.CommandLine;
using CypherScoping.Executor.Execution;

namespace CypherScoping.Cli.Commands;

/// <summary>Executor commands: the break-glass `cypher flatten --direct`.</summary>
public static class ExecutorCommands
{
    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var direct = new Option<bool>("--direct") { Description = "break-glass: talk to the exchange directly (no bus, no services), cancel every order and close every position" };
        var symbol = new Option<string?>("--symbol") { Description = "only this symbol (any spelling)" };
        var attempts = new Option<int>("--attempts") { Description = "rounds of cancel + close + re-read", DefaultValueFactory = _ => 5 };
        var flatten = new Command("flatten", "Cancel every order and close every position (with --direct: straight on the exchange)");
        flatten.Options.Add(direct);
        flatten.Options.Add(symbol);
        flatten.Options.Add(attempts);
        flatten.SetAction(async (parse, ct) =>
        {
            if (!parse.GetValue(direct))
            {
                await Console.Error.WriteLineAsync("flatten without --direct goes through the running executor (FlattenPositions on the bus, e.g. `cypher rollback`); pass --direct to flatten on the exchange yourself.");
                return ExitCodes.Failed;
            }

            var configuration = CommonOptions.LoadConfiguration(parse);
            var result = await DirectFlatten.RunAsync(configuration, parse.GetValue(symbol), Math.Clamp(parse.GetValue(attempts), 1, 20), Console.Out, ct);
            return result switch
            {
                DirectFlatten.Result.Flat or DirectFlatten.Result.NothingToDo => ExitCodes.Ok,
                DirectFlatten.Result.InvalidConfig => ExitCodes.InvalidConfig,
                _ => ExitCodes.Failed,
            };
        });
        root.Subcommands.Add(flatten);
    }
}
