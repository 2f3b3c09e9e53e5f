namespace CypherScoping.Domain;

/// <summary>Deterministic client order ids: the same signal always gives the same id (KuCoin: ≤ 40 of [A-Za-z0-9_-]).</summary>
public static class ClientOrderIds
{
    /// <summary>"cs" + the signal id as 32 hex digits, written straight into one string (called for every approval).</summary>
    public static string FromSignal(Guid signalId) => string.Create(34, signalId, static (chars, id) =>
    {
        chars[0] = 'c';
        chars[1] = 's';
        id.TryFormat(chars[2..], out _, "N");
    });

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
