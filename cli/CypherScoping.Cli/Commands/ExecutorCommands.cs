using System.CommandLine;
using CypherScoping.Executor.Execution;

namespace CypherScoping.Cli.Commands;

/// <summary>Executor commands: `cypher flatten` through the running executor, and the break-glass `cypher flatten --direct`.</summary>
public static class ExecutorCommands
{
    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var direct = new Option<bool>("--direct") { Description = "break-glass: talk to the exchange directly (no bus, no services), cancel every order and close every position" };
        var symbol = new Option<string?>("--symbol") { Description = "only this symbol (any spelling)" };
        var attempts = new Option<int>("--attempts") { Description = "rounds of cancel + close + re-read", DefaultValueFactory = _ => 5 };
        var reason = new Option<string>("--reason") { Description = "why (goes to the audit trail)", DefaultValueFactory = _ => "operator flatten" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for the executor's answer (bus path)", DefaultValueFactory = _ => 60 };
        var flatten = new Command("flatten", "Cancel every order and close every position: through the running executor over RabbitMQ, or with --direct straight on the exchange (break glass)");
        flatten.Options.Add(direct);
        flatten.Options.Add(reason);
        flatten.Options.Add(timeout);
        flatten.Options.Add(symbol);
        flatten.Options.Add(attempts);
        flatten.SetAction(async (parse, ct) =>
        {
            var configuration = CommonOptions.LoadConfiguration(parse);
            if (!parse.GetValue(direct))
            {
                // Through the running Executor: it cancels, closes, re-reads the exchange and answers PositionsFlattened.
                var wait = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(timeout), 1, 600));
                return await CliBus.RunAsync(configuration, "flatten", async (bus, token) =>
                {
                    var result = await BusFlatten.ExecuteAsync(bus, parse.GetValue(reason)!, parse.GetValue(symbol), wait, token);
                    Console.WriteLine(BusFlatten.ToText(result, wait));
                    return result is null ? ExitCodes.Unreachable : result.IsFlat ? ExitCodes.Ok : ExitCodes.Failed;
                }, ct);
            }

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
