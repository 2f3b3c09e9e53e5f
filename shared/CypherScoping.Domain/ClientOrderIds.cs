namespace CypherScoping.Domain;

/// <summary>Deterministic client order ids: the same signal always gives the same id (KuCoin: ≤ 40 of [A-Za-z0-9_-]).</summary>
public static class ClientOrderIds
{
    public static string FromSignal(Guid signalId) => "cs" + signalId.ToString("N");

    /// <summary>Exit orders for a position: one per position and reason.</summary>
    public static string ForExit(string positionId, string reason)
    {
        var raw = $"cx{positionId}{reason}";
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw));
        return "cx" + Convert.ToHexString(hash, 0, 16).ToLowerInvariant();
    }

    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 40 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
