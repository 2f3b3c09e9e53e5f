using System.CommandLine;
using CypherScoping.Cli.Commands;

namespace CypherScoping.Cli;

/// <summary>The `cypher` command: the operator's runbook as commands (architecture §1).</summary>
public static class CliProgram
{
    public static async Task<int> Main(string[] args)
    {
        var root = BuildRoot();
        return await root.Parse(args).InvokeAsync();
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("CypherScoping — KuCoin USDT-margined futures, from paper trading to careful live trading.");
        CommonOptions.AddGlobal(root);
        HostCommands.Register(root);
        RiskCommands.Register(root);
        ScanCommands.Register(root);
        ExecutorCommands.Register(root);
        AuditCommands.Register(root);
        AlertCommands.Register(root);
        OperatorCommands.Register(root);
        return root;
    }
}
