using System.Net;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CypherScoping.Foundation.Tests;

public class HealthTests
{
    [Fact]
    [Trait("Category", "Integration")]
    public async Task Ready_is_unhealthy_while_database_or_broker_is_unreachable_and_healthy_when_they_are_back()
    {
        var pg = new NpgsqlConnectionStringBuilder(await TestServers.PostgresAsync());
        var rabbitUri = new Uri(await TestServers.RabbitMqAsync());
        await using var pgProxy = new TcpProxy(pg.Host!, pg.Port);
        await using var rabbitProxy = new TcpProxy(rabbitUri.Host, rabbitUri.Port);
        pgProxy.Open();
        rabbitProxy.Open();
        pg.Host = "127.0.0.1";
        pg.Port = pgProxy.Port;
        pg.Timeout = 3;
        pg.Pooling = false;
        var rabbitUrl = new UriBuilder(rabbitUri) { Host = "127.0.0.1", Port = rabbitProxy.Port }.Uri.ToString();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var settings = await TestHosts.RabbitSettingsAsync();
        settings["RabbitMq:Url"] = rabbitUrl;
        settings["ConnectionStrings:Postgres"] = pg.ConnectionString;
        settings["Database:SchemaSuffix"] = TestServers.UniqueSuffix();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(PingService.Name);
        builder.AddPingService();
        builder.AddCypherMessaging();
        await using var app = builder.Build();
        app.MapServiceDefaults();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(15) };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        await WaitForStatusAsync(http, HttpStatusCode.OK, "healthy at start");

        pgProxy.Cut();
        var body = await WaitForStatusAsync(http, HttpStatusCode.ServiceUnavailable, "unhealthy without the database");
        Assert.Contains("database-foundation", body, StringComparison.Ordinal);
        pgProxy.Open();
        await WaitForStatusAsync(http, HttpStatusCode.OK, "healthy when the database is back");

        rabbitProxy.Cut();
        await WaitForStatusAsync(http, HttpStatusCode.ServiceUnavailable, "unhealthy without the broker");
        rabbitProxy.Open();
        await WaitForStatusAsync(http, HttpStatusCode.OK, "healthy when the broker is back");

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
        await app.StopAsync();
    }

    private static async Task<string> WaitForStatusAsync(HttpClient http, HttpStatusCode expected, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var last = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("/health/ready");
                last = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == expected)
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // keep polling
            }
            catch (TaskCanceledException)
            {
                // keep polling
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"/health/ready never became {expected} ({what}); last body: {last}");
    }
}
