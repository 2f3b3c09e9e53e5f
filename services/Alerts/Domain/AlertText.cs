using System.Globalization;
using System.Text;

namespace CypherScoping.Alerts.Domain;

/// <summary>Plain-text rendering of an alert (e-mail body, log line, CLI output).</summary>
public static class AlertText
{
    public static string Subject(Alert alert) =>
        $"[{AlertSeverities.Label(alert.Severity)}] CypherScoping: {alert.Title}{(alert.Count > 1 ? $" (×{alert.Count.ToString(CultureInfo.InvariantCulture)})" : string.Empty)}";

    public static string Body(Alert alert)
    {
        var sb = new StringBuilder();
        sb.Append('[').Append(AlertSeverities.Label(alert.Severity)).Append("] ").AppendLine(alert.Title);
        sb.Append("What to do: ").AppendLine(alert.WhatToDo);
        sb.AppendLine();
        foreach (var field in alert.Fields)
        {
            sb.Append(field.Name).Append(": ").AppendLine(field.Value);
        }

        sb.AppendLine();
        sb.Append("Count: ").AppendLine(alert.Count.ToString(CultureInfo.InvariantCulture));
        sb.Append("Source: ").AppendLine(alert.Source);
        sb.Append("Occurred: ").Append(alert.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).AppendLine(" UTC");
        sb.Append("Correlation id: ").AppendLine(alert.CorrelationId.ToString("D"));
        sb.Append("Alert id: ").AppendLine(alert.AlertId.ToString("D"));
        return sb.ToString();
    }

    public static string OneLine(Alert alert) =>
        string.Join("; ", alert.Fields.Select(f => $"{f.Name}={f.Value}"));
}
