using System.Globalization;
using CypherScoping.Domain;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Hosting;

/// <summary>The result of checking a configuration: every error, every warning, the effective values (secrets masked).</summary>
public sealed record ConfigReport(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, string> Effective)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Validates configuration as raw text, before binding, so every problem is reported at once
/// (the binder stops at the first bad value).
/// </summary>
public static class ConfigCheck
{
    public static ConfigReport Validate(IConfiguration configuration)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        var effective = new SortedDictionary<string, string>(StringComparer.Ordinal);

        foreach (var setting in Settings.All)
        {
            var value = configuration[setting.Path];
            var display = value is null ? setting.Default : value;
            if (display is not null)
            {
                effective[setting.FlatKey] = setting.Secret && !string.IsNullOrEmpty(value) ? Mask(value) : display;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var problem = CheckValue(setting, value.Trim());
            if (problem is not null)
            {
                errors.Add($"{setting.FlatKey}={(setting.Secret ? Mask(value) : value)}: {problem}");
            }
        }

        var mode = (configuration["Trading:Mode"] ?? "paper").Trim().ToLowerInvariant();
        var live = mode == "live";
        CheckCredentials(configuration, live, errors);
        CheckBaseUrl(configuration, live, errors, warnings);
        CheckSymbols(configuration, errors, warnings);

        return new ConfigReport(errors, warnings, effective);
    }

    /// <summary>Throw listing every problem when the configuration cannot run.</summary>
    public static ConfigReport ThrowIfInvalid(IConfiguration configuration)
    {
        var report = Validate(configuration);
        if (!report.IsValid)
        {
            throw new InvalidConfigurationException(report.Errors);
        }

        return report;
    }

    public static string Mask(string secret) => secret.Length <= 4 ? "****" : $"****{secret.Length}ch";

    private static string? CheckValue(SettingDefinition setting, string value)
    {
        switch (setting.Kind)
        {
            case SettingKind.Bool:
                return Settings.TryParseBool(value, out _) ? null : "must be true or false";
            case SettingKind.Int:
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
                {
                    return "must be a whole number";
                }

                return Range(setting, i);
            case SettingKind.Decimal:
                if (!Settings.TryParseDecimal(value, out var d))
                {
                    return "must be a number";
                }

                return Range(setting, d);
            case SettingKind.Choice:
                return setting.Choices!.Contains(value.ToLowerInvariant())
                    ? null
                    : $"must be one of {string.Join(", ", setting.Choices!)}";
            case SettingKind.Url:
                return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "amqp" or "amqps"
                    ? null
                    : "must be an absolute http(s) or amqp URL";
            case SettingKind.Symbol:
                return SymbolCanonicalizer.TryParse(value, out _, out var error) ? null : error;
            default:
                return null;
        }
    }

    private static string? Range(SettingDefinition setting, decimal value)
    {
        if (setting.FlatKey == "MAX_LEVERAGE" && value > Settings.HardMaxLeverage)
        {
            return $"leverage above the hard ceiling of {Settings.HardMaxLeverage}x is refused";
        }

        if (setting.Min is { } min && value < min)
        {
            return $"must be at least {min.ToString(CultureInfo.InvariantCulture)}";
        }

        if (setting.Max is { } max && value > max)
        {
            return $"must be at most {max.ToString(CultureInfo.InvariantCulture)}";
        }

        return null;
    }

    private static void CheckCredentials(IConfiguration configuration, bool live, List<string> errors)
    {
        if (!live)
        {
            return;
        }

        var missing = new List<string>();
        foreach (var (flat, path) in new[] { ("KUCOIN_API_KEY", "KuCoin:ApiKey"), ("KUCOIN_API_SECRET", "KuCoin:ApiSecret"), ("KUCOIN_API_PASSPHRASE", "KuCoin:ApiPassphrase") })
        {
            var value = configuration[path];
            if (string.IsNullOrWhiteSpace(value))
            {
                missing.Add(flat);
            }
            else if (IsPlaceholder(value))
            {
                errors.Add($"{ErrorCodes.MissingCredentials}: {flat} is a placeholder, not a real credential (live mode)");
            }
        }

        if (missing.Count > 0)
        {
            errors.Add($"{ErrorCodes.MissingCredentials}: live mode needs {string.Join(", ", missing)}");
        }
    }

    public static bool IsPlaceholder(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        return v.StartsWith("your-", StringComparison.Ordinal) || v.StartsWith("your_", StringComparison.Ordinal) ||
               v is "changeme" or "change-me" or "xxx" or "placeholder" or "<secret>" || v.Contains("example", StringComparison.Ordinal);
    }

    private static void CheckBaseUrl(IConfiguration configuration, bool live, List<string> errors, List<string> warnings)
    {
        var url = configuration["KuCoin:BaseUrl"];
        if (url is not null && url.Contains("sandbox", StringComparison.OrdinalIgnoreCase))
        {
            var message = $"KUCOIN_API_BASE_URL={url}: KuCoin's futures sandbox no longer exists (host does not resolve); " +
                          "paper mode uses simulated fills, live mode needs https://api-futures.kucoin.com";
            (live ? errors : warnings).Add(message);
        }
    }

    private static void CheckSymbols(IConfiguration configuration, List<string> errors, List<string> warnings)
    {
        var options = new SymbolOptions();
        configuration.GetSection(SymbolOptions.SectionName).Bind(options);
        var policy = options.CreatePolicy();
        errors.AddRange(policy.Problems);
        if (policy.Universe.Count == 0)
        {
            errors.Add("TRADING_UNIVERSE: the trading universe is empty (after removing denied symbols)");
        }

        if (!policy.IsAssetDenied("BTC"))
        {
            warnings.Add("DENYLIST_SYMBOLS: bitcoin is not denied (XBTUSDTM could be traded)");
        }

        var defaultDecision = policy.Evaluate(options.DefaultSymbol);
        if (!defaultDecision.Allowed)
        {
            warnings.Add($"DEFAULT_SYMBOL={options.DefaultSymbol}: {defaultDecision.Reason}");
        }
    }
}
