using CypherScoping.Alerts.Channels;
using CypherScoping.Contracts;
using CypherScoping.TestKit.Sinks;

namespace CypherScoping.Alerts.Tests;

/// <summary>The e-mail channel (MailKit) against the test kit's local SMTP sink.</summary>
public sealed class EmailChannelTests : IAsyncLifetime
{
    private const string Password = "smtp-pa55word-secret";
    private SmtpSink _smtp = null!;
    private AlertRig _rig = null!;

    public async Task InitializeAsync()
    {
        _smtp = SmtpSink.Start();
        _rig = await AlertRig.StartAsync(AlertRig.FastRetries(new()
        {
            ["Alerts:Email"] = "oncall@example.org, second@example.org",
            ["Alerts:Smtp:Host"] = _smtp.Host,
            ["Alerts:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Alerts:Smtp:From"] = "cypher@example.org",
            ["Alerts:Smtp:Username"] = "cypher",
            ["Alerts:Smtp:Password"] = Password,
        }));
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private IAlertChannel Email => _rig.Sender.Find(EmailAlertChannel.ChannelName)!;

    [Fact]
    public async Task Delivers_to_every_recipient_with_severity_in_the_subject_and_the_correlation_id_in_the_body()
    {
        var alert = AlertRig.Make(AlertSeverity.Critical, title: "Reconciliation mismatch on ETHUSDTM");
        var result = await Email.SendAsync(alert, CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        var message = Assert.Single(_smtp.Messages);
        Assert.Equal("cypher@example.org", message.From);
        Assert.Equal(["oncall@example.org", "second@example.org"], message.Recipients);
        Assert.Equal("cypher", message.AuthenticatedUser);
        Assert.Equal("[CRITICAL] CypherScoping: Reconciliation mismatch on ETHUSDTM", message.Subject);
        Assert.Contains(alert.CorrelationId.ToString("D"), message.Data, StringComparison.Ordinal);
        Assert.Contains("What to do: look at it", message.Data, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _rig.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_a_transient_421_and_delivers()
    {
        _smtp.FailNextConnections(2);
        var result = await Email.SendAsync(AlertRig.Make(AlertSeverity.Warning), CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        Assert.Single(_smtp.Messages);
        Assert.Equal(3, _smtp.Sessions);
    }

    [Fact]
    public async Task A_down_smtp_server_is_a_failed_result_not_an_exception()
    {
        _smtp.FailNextConnections(100);
        var result = await Email.SendAsync(AlertRig.Make(AlertSeverity.Warning), CancellationToken.None);

        Assert.False(result.Delivered);
        Assert.Equal(4, _smtp.Sessions); // first attempt + 3 retries
        Assert.DoesNotContain(Password, result.Error!, StringComparison.Ordinal);
    }
}
