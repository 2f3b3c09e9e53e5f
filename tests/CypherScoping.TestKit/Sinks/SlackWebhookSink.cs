using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CypherScoping.TestKit.Sinks;

/// <summary>One request the sink received.</summary>
public sealed record SinkRequest(DateTimeOffset ReceivedAt, string Method, string Path, string ContentType, string Body, int RespondedWith);

/// <summary>A scripted answer: status, optional Retry-After (seconds) and body.</summary>
public sealed record SinkResponse(int Status, int? RetryAfterSeconds = null, string Body = "ok");

/// <summary>
/// A local stand-in for a Slack incoming webhook: Kestrel on 127.0.0.1 with a random port, recording every
/// request. Answers are scripted (e.g. 500 then 200, or 429 with Retry-After); when the script is empty it
/// answers the default (200 "ok"). Loopback only.
/// </summary>
public sealed class SlackWebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SinkResponse> _script = new();
    private readonly ConcurrentQueue<SinkRequest> _requests = new();
    private readonly SemaphoreSlim _received = new(0, int.MaxValue);

    private SlackWebhookSink(WebApplication app, string secret)
    {
        _app = app;
        Secret = secret;
    }

    /// <summary>The secret part of the URL (what must never appear in logs).</summary>
    public string Secret { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A Slack-like webhook URL: http://127.0.0.1:PORT/services/T…/B…/SECRET.</summary>
    public string WebhookUrl => $"{BaseAddress.ToString().TrimEnd('/')}/services/TCYPHER01/BCYPHER02/{Secret}";

    public SinkResponse DefaultResponse { get; set; } = new(200);

    /// <summary>How long each answer is held after the request was recorded (a slow Slack).</summary>
    public TimeSpan ResponseDelay { get; set; }

    public IReadOnlyList<SinkRequest> Requests => _requests.ToArray();

    public static async Task<SlackWebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new SlackWebhookSink(app, "xoxsecret" + Guid.NewGuid().ToString("N"));
        app.MapPost("/{**path}", sink.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.BaseAddress = new Uri(address);
        return sink;
    }

    /// <summary>Queue answers for the next requests, in order.</summary>
    public SlackWebhookSink Respond(params SinkResponse[] responses)
    {
        foreach (var r in responses)
        {
            _script.Enqueue(r);
        }

        return this;
    }

    /// <summary>Wait until at least <paramref name="count"/> requests arrived (or fail after the timeout).</summary>
    public async Task<IReadOnlyList<SinkRequest>> WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (_requests.Count < count)
        {
            try
            {
                await _received.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Slack sink: expected {count} request(s), got {_requests.Count}");
            }
        }

        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _received.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var response = _script.TryDequeue(out var scripted) ? scripted : DefaultResponse;
        _requests.Enqueue(new SinkRequest(DateTimeOffset.UtcNow, context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Request.ContentType ?? string.Empty, body, response.Status));
        var delay = ResponseDelay;
        if (delay > TimeSpan.Zero)
        {
            _received.Release(); // the request is here; its answer is late
            await Task.Delay(delay, context.RequestAborted);
        }

        context.Response.StatusCode = response.Status;
        if (response.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(response.Body);
        if (delay <= TimeSpan.Zero)
        {
            _received.Release();
        }
    }
}
