using System.CommandLine;

namespace CypherScoping.Cli.Commands;

public static class RiskCommands
{
    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
    }
}
