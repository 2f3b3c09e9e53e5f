using CypherScoping.Alerts;
using CypherScoping.Auditor;
using CypherScoping.Executor;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Risk;
using CypherScoping.Scanner;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Cli;

/// <summary>Hosts one service or all five in one process, through each service's own Add&lt;Service&gt;().</summary>
public static class Composition
{
    public static readonly string[] ServiceNames = ["scanner", "risk", "executor", "auditor", "alerts"];

    public static void AddServices(IHostApplicationBuilder builder, IReadOnlyCollection<string> services)
    {
        foreach (var service in services)
        {
            switch (service)
            {
                case "scanner":
                    builder.AddScanner();
                    break;
                case "risk":
                    builder.AddRisk();
                    break;
                case "executor":
                    builder.AddExecutor();
                    break;
                case "auditor":
                    builder.AddAuditor();
                    break;
                case "alerts":
                    builder.AddAlerts();
                    break;
                default:
                    throw new ArgumentException($"unknown service '{service}' (expected one of {string.Join(", ", ServiceNames)} or all)", nameof(services));
            }
        }
    }

    /// <summary>A web host (health, metrics) for `cypher run`.</summary>
    public static WebApplication BuildWebHost(IReadOnlyCollection<string> services, string? envFile, IDictionary<string, string?> overrides, string urls)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls);
        if (envFile is not null)
        {
            overrides[CypherConfiguration.EnvFileKey] = envFile;
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        builder.AddServiceDefaults(services.Count == 1 ? services.First() : "all");
        AddServices(builder, services);
        builder.AddCypherMessaging();
        var app = builder.Build();
        app.MapServiceDefaults();
        return app;
    }
}
