using System.CommandLine;

namespace CypherScoping.Cli.Commands;

public static class AuditCommands
{
    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
    }
}
