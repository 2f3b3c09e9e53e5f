using System.CommandLine;

namespace CypherScoping.Cli.Commands;

public static class AlertCommands
{
    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
    }
}
