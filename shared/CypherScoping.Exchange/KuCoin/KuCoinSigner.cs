using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CypherScoping.Exchange.KuCoin;

/// <summary>
/// KuCoin request signing (kucoin-futures-api.md §1.3): prehash = timestamp + METHOD + endpoint(+?query) + body;
/// KC-API-SIGN = base64(HMAC-SHA256(secret, prehash)); the v2/v3 passphrase header = base64(HMAC-SHA256(secret,
/// passphrase)), computed once. Never exposes the secret or passphrase (ToString is redacted).
/// </summary>
public sealed class KuCoinSigner
{
    private readonly byte[] _secret;

    public KuCoinSigner(string apiKey, string apiSecret, string apiPassphrase, string keyVersion = "3")
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        ArgumentException.ThrowIfNullOrEmpty(apiSecret);
        ArgumentException.ThrowIfNullOrEmpty(apiPassphrase);
        if (keyVersion is not ("2" or "3"))
        {
            throw new ArgumentException("KuCoin key version must be 2 or 3", nameof(keyVersion));
        }

        ApiKey = apiKey;
        KeyVersion = keyVersion;
        _secret = Encoding.UTF8.GetBytes(apiSecret);
        PassphraseHeader = Sign(apiPassphrase);
    }

    public string ApiKey { get; }

    public string KeyVersion { get; }

    /// <summary>The KC-API-PASSPHRASE header value (v2/v3: HMAC of the passphrase).</summary>
    public string PassphraseHeader { get; }

    public static string Prehash(long timestampMs, string method, string endpoint, string? body) =>
        timestampMs.ToString(CultureInfo.InvariantCulture) + method.ToUpperInvariant() + endpoint + (body ?? "");

    /// <summary>base64(HMAC-SHA256(secret, message)) over UTF-8 bytes.</summary>
    public string Sign(string message)
    {
        Span<byte> hash = stackalloc byte[32];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(message.Length);
        var rented = maxBytes <= 1024 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            Span<byte> buffer = rented ?? stackalloc byte[1024];
            var count = Encoding.UTF8.GetBytes(message, buffer);
            HMACSHA256.HashData(_secret, buffer[..count], hash);
            return Convert.ToBase64String(hash);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public string SignRequest(long timestampMs, string method, string endpoint, string? body) => Sign(Prehash(timestampMs, method, endpoint, body));

    /// <summary>Adds the five KuCoin auth headers.</summary>
    public void Apply(HttpRequestMessage request, long timestampMs, string endpoint, string? body)
    {
        var timestamp = timestampMs.ToString(CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("KC-API-KEY", ApiKey);
        request.Headers.TryAddWithoutValidation("KC-API-SIGN", SignRequest(timestampMs, request.Method.Method, endpoint, body));
        request.Headers.TryAddWithoutValidation("KC-API-TIMESTAMP", timestamp);
        request.Headers.TryAddWithoutValidation("KC-API-PASSPHRASE", PassphraseHeader);
        request.Headers.TryAddWithoutValidation("KC-API-KEY-VERSION", KeyVersion);
    }

    public override string ToString() => $"KuCoinSigner(v{KeyVersion}, secret=***)";
}
