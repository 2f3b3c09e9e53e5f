using System.CommandLine;
using CypherScoping.Alerts;
using CypherScoping.Alerts.Channels;
using CypherScoping.Alerts.Domain;
using CypherScoping.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Cli.Commands;

/// <summary>`cypher alert test [--severity S] MESSAGE`: one test alert through every configured channel.</summary>
public static class AlertCommands
{
    public static void Register(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var alert = new Command("alert", "Alerts: Slack (ALERT_SLACK_WEBHOOK), e-mail (ALERT_EMAIL + SMTP_*) and the log");
        var severity = new Option<string>("--severity") { Description = "info | warning | critical", DefaultValueFactory = _ => "info" };
        var message = new Argument<string>("MESSAGE") { Description = "text of the test alert" };
        var test = new Command("test", "Send a test alert through every configured channel and report per channel whether it was delivered (exit 1 if any failed)");
        test.Options.Add(severity);
        test.Arguments.Add(message);
        test.SetAction(async (parse, cancellationToken) =>
        {
            if (!AlertSeverities.TryParse(parse.GetValue(severity), out var level))
            {
                await Console.Error.WriteLineAsync($"{ErrorCodes.InvalidConfig}: --severity '{parse.GetValue(severity)}' must be info, warning or critical");
                return ExitCodes.InvalidConfig;
            }

            var configuration = CommonOptions.LoadConfiguration(parse);
            using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("Polly", LogLevel.None));
            IReadOnlyList<ChannelResult> results;
            try
            {
                results = await AlertsClient.SendTestAsync(configuration, level, parse.GetValue(message) ?? "test", logging, cancellationToken);
            }
            catch (OptionsValidationException ex)
            {
                await Console.Error.WriteLineAsync($"{ErrorCodes.InvalidConfig}: alert settings are invalid:");
                foreach (var failure in ex.Failures)
                {
                    await Console.Error.WriteLineAsync("  - " + failure);
                }

                return ExitCodes.InvalidConfig;
            }

            foreach (var result in results)
            {
                Console.WriteLine(result.Delivered
                    ? $"{result.Channel,-6} delivered"
                    : $"{result.Channel,-6} FAILED: {result.Error}");
            }

            if (results.All(r => r.Channel == LogAlertChannel.ChannelName))
            {
                Console.WriteLine("note: neither Slack (ALERT_SLACK_WEBHOOK) nor e-mail (ALERT_EMAIL + SMTP_HOST, SMTP_FROM) is configured; alerts only reach the log");
            }

            return results.All(r => r.Delivered) ? ExitCodes.Ok : ExitCodes.Failed;
        });
        alert.Subcommands.Add(test);
        root.Subcommands.Add(alert);
    }
}
