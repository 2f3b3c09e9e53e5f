using System.Globalization;
using CypherScoping.Domain;

namespace CypherScoping.Hosting;

public enum SettingKind
{
    Text = 0,
    Bool = 1,
    Int = 2,
    Decimal = 3,
    Choice = 4,
    Url = 5,
    SymbolList = 6,
    Symbol = 7,
    Path = 8,
}

/// <summary>One configuration setting: its operator key (flat), its canonical section path, type, range and default.</summary>
public sealed record SettingDefinition(
    string FlatKey,
    string Path,
    SettingKind Kind,
    string Description,
    string? Default = null,
    decimal? Min = null,
    decimal? Max = null,
    IReadOnlyList<string>? Choices = null,
    bool Secret = false);

/// <summary>
/// The configuration keys of architecture §7 and the ones the services add. Flat keys (TRADING_MODE) map onto
/// sections (Trading:Mode); the section form is canonical and wins when both are given.
/// </summary>
public static class Settings
{
    public const decimal HardMaxLeverage = HardLimits.MaxLeverage;

    /// <summary>
    /// What an unset risk limit shows as effective: Risk takes it from the active risk profile (RISK_PROFILE and the
    /// ramp day), so no single number would be true for every phase.
    /// </summary>
    public const string FromProfile = "(the risk profile's value)";

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        new("TRADING_MODE", "Trading:Mode", SettingKind.Choice, "paper | live", "paper", Choices: ["paper", "live"]),
        new("SIMULATION", "Trading:Simulation", SettingKind.Bool, "simulated market data, no network (true in paper)"),
        new("KUCOIN_API_KEY", "KuCoin:ApiKey", SettingKind.Text, "API key (required in live)", Secret: true),
        new("KUCOIN_API_SECRET", "KuCoin:ApiSecret", SettingKind.Text, "API secret (required in live)", Secret: true),
        new("KUCOIN_API_PASSPHRASE", "KuCoin:ApiPassphrase", SettingKind.Text, "API passphrase (required in live)", Secret: true),
        new("KUCOIN_API_KEY_VERSION", "KuCoin:KeyVersion", SettingKind.Choice, "API key version", "3", Choices: ["2", "3"]),
        new("KUCOIN_API_BASE_URL", "KuCoin:BaseUrl", SettingKind.Url, "futures REST host", "https://api-futures.kucoin.com"),
        new("MAX_CONCURRENT_API_CALLS", "KuCoin:MaxConcurrentCalls", SettingKind.Int, "exchange calls in flight", "3", 1, 64),
        new("KUCOIN_PUBLIC_POOL_QUOTA", "KuCoin:PublicPoolQuota", SettingKind.Int, "public weight per 30 s", "2000", 1, 1_000_000),
        new("KUCOIN_FUTURES_POOL_QUOTA", "KuCoin:FuturesPoolQuota", SettingKind.Int, "futures weight per 30 s", "2000", 1, 1_000_000),
        new("KUCOIN_REQUEST_TIMEOUT_SECONDS", "KuCoin:RequestTimeoutSeconds", SettingKind.Int, "timeout of one KuCoin REST call (s)", "10", 1, 120),
        new("TRADING_UNIVERSE", "Symbols:TradingUniverse", SettingKind.SymbolList, "allowed symbols (comma list)"),
        new("DENYLIST_SYMBOLS", "Symbols:Denylist", SettingKind.SymbolList, "denied symbols, any spelling (comma list)"),
        new("DEFAULT_SYMBOL", "Symbols:DefaultSymbol", SettingKind.Symbol, "default symbol", "ETHUSDTM"),
        new("AUDIT_LOG_PATH", "Audit:LogPath", SettingKind.Path, "JSONL mirror of the audit trail", "runtime/audit.log"),
        new("IDEMPOTENCY_STORE_PATH", "Database:SqlitePaths:executor", SettingKind.Path, "embedded order ledger for one-process runs"),
        new("LOG_LEVEL", "Logging:Level", SettingKind.Choice, "log level", "info", Choices: ["verbose", "trace", "debug", "info", "information", "warn", "warning", "error", "fatal"]),
        new("RISK_PROFILE", "Risk:Profile", SettingKind.Choice, "phase profile", Choices: ["paper", "live-conservative", "live-moderate", "live-normal"]),
        new("MAX_EXPOSURE_RATIO", "Risk:MaxExposureRatio", SettingKind.Decimal, "initial margin of open positions ÷ equity", FromProfile, 0.0001m, 10m),
        new("MAX_RISK_PER_TRADE", "Risk:MaxRiskPerTrade", SettingKind.Decimal, "loss at the stop ÷ equity", FromProfile, 0.0001m, 0.5m),
        new("MIN_POSITION_SIZE", "Risk:MinPositionSize", SettingKind.Decimal, "minimum size in base units", "0.01", 0m, 1_000_000_000m),
        new("CIRCUIT_BREAKER_THRESHOLD", "Risk:CircuitBreakerThreshold", SettingKind.Decimal, "drawdown that halts trading", FromProfile, 0.001m, 1m),
        new("CIRCUIT_BREAKER_COOLDOWN", "Risk:CircuitBreakerCooldownSeconds", SettingKind.Int, "pause after consecutive losses (s)", "3600", 1, 604_800),
        new("MAX_DRAWDOWN_PERCENT", "Risk:MaxDrawdownPercent", SettingKind.Decimal, "drawdown (%) that raises a warning", "10", 0.1m, 100m),
        new("REQUIRE_MANUAL_APPROVAL", "Risk:RequireManualApproval", SettingKind.Bool, "human approval for every trade", "false"),
        new("MAX_DAILY_TRADES", "Risk:MaxDailyTrades", SettingKind.Int, "trades per UTC day", FromProfile, 0, 1_000_000),
        new("MAX_LEVERAGE", "Risk:MaxLeverage", SettingKind.Int, "leverage ceiling (hard limit 20)", FromProfile, 1, HardMaxLeverage),
        new("RISK_APPROVAL_TTL_SECONDS", "Risk:ApprovalTtlSeconds", SettingKind.Int, "seconds a manual approval stays open", "120", 1, 86_400),
        new("RISK_APPROVAL_PRICE_BAND_PERCENT", "Risk:ApprovalPriceBandPercent", SettingKind.Decimal, "allowed price move (%) between approval request and decision", "0.5", 0.001m, 50m),
        new("RISK_APPROVAL_NOTIONAL_THRESHOLD", "Risk:ApprovalNotionalThreshold", SettingKind.Decimal, "notional (USDT) above which 'above threshold' profiles ask for approval", "1000", 0m, 1_000_000_000m),
        new("ORDER_TTL_SECONDS", "Risk:OrderTtlSeconds", SettingKind.Int, "lifetime of an approved order before the executor must refuse it", "30", 1, 3600),
        new("WIN_RATE_BASELINE", "Risk:WinRateBaseline", SettingKind.Decimal, "paper win rate (fraction) for the win-rate breaker and the ramp", null, 0m, 1m),
        new("RISK_CLOCK_TICK_SECONDS", "Risk:ClockTickSeconds", SettingKind.Int, "seconds between Risk housekeeping ticks (0 = off; messages do it anyway)", "30", 0, 86_400),
        new("RISK_RAMP_ENABLED", "Risk:RampEnabled", SettingKind.Bool, "let the live ramp move the profile day by day", "true"),
        new("SCAN_INTERVAL", "Scanner:ScanIntervalSeconds", SettingKind.Int, "seconds between scans", "300", 1, 86_400),
        new("SCANNER_SYMBOLS", "Scanner:Symbols", SettingKind.SymbolList, "explicit symbols for this scanner"),
        new("SCANNER_SHARD_INDEX", "Scanner:ShardIndex", SettingKind.Int, "this scanner's shard (default: HOSTNAME ordinal)", null, 0, 1000),
        new("SCANNER_SHARD_COUNT", "Scanner:ShardCount", SettingKind.Int, "number of scanner shards", "1", 1, 1000),
        new("SCANNER_MARKET", "Scanner:Market", SettingKind.Choice, "market data: sim | replay | kucoin (default sim when SIMULATION)", Choices: ["sim", "simulated", "replay", "kucoin"]),
        new("SCANNER_REPLAY", "Scanner:Replay", SettingKind.Text, "replay files: SOLUSDTM=path,ETHUSDTM=path"),
        new("SCANNER_SEED", "Scanner:Seed", SettingKind.Int, "seed of the simulated market", "42", 0, long.MaxValue),
        new("SCANNER_INTERVAL_MINUTES", "Scanner:IntervalMinutes", SettingKind.Int, "candle interval (minutes) for sim and KuCoin", "15", 1, 10080),
        new("SCANNER_AUTO_RUN", "Scanner:AutoRun", SettingKind.Bool, "scan in the background (default true; off under a VirtualClock, where a driver steps the scanner)"),
        new("SIGNAL_TTL_SECONDS", "Scanner:SignalTtlSeconds", SettingKind.Int, "signal lifetime (s)", "120", 1, 86_400),
        new("SCANNER_MAX_GAP_CANDLES", "Scanner:MaxGapCandles", SettingKind.Int, "longest bridged gap (candles); longer gaps reset indicators", "5", 0, 100_000),
        new("STRATEGY_FILE", "Scanner:StrategyFile", SettingKind.Path, "strategy JSON (default: embedded cypher-score.json)"),
        new("ALERT_SLACK_WEBHOOK", "Alerts:SlackWebhook", SettingKind.Url, "Slack incoming webhook", Secret: true),
        new("ALERT_EMAIL", "Alerts:Email", SettingKind.Text, "alert e-mail recipient"),
        new("SMTP_HOST", "Alerts:Smtp:Host", SettingKind.Text, "SMTP server"),
        new("SMTP_PORT", "Alerts:Smtp:Port", SettingKind.Int, "SMTP port", "587", 1, 65535),
        new("SMTP_USERNAME", "Alerts:Smtp:Username", SettingKind.Text, "SMTP user"),
        new("SMTP_PASSWORD", "Alerts:Smtp:Password", SettingKind.Text, "SMTP password", Secret: true),
        new("SMTP_FROM", "Alerts:Smtp:From", SettingKind.Text, "sender address"),
        new("RABBITMQ_URL", "RabbitMq:Url", SettingKind.Url, "amqp://user:pass@host:5672/vhost", Secret: true),
        new("MESSAGING_TRANSPORT", "Messaging:Transport", SettingKind.Choice, "InMemory | RabbitMq", "InMemory", Choices: ["inmemory", "rabbitmq"]),
        new("PAPER_INITIAL_EQUITY", "Paper:InitialEquity", SettingKind.Decimal, "paper account starting equity (USDT)", "10000", 1m, 1_000_000_000m),
        new("PAPER_SLIPPAGE_BPS", "Paper:SlippageBps", SettingKind.Decimal, "paper market-fill slippage against the trader (basis points)", "2", 0m, 1000m),
        new("PAPER_FUNDING_RATE", "Paper:FundingRate", SettingKind.Decimal, "paper funding rate per 8 h interval (positive: longs pay)", "0.0001", -0.05m, 0.05m),
        new("POSTGRES_CONNECTION", "ConnectionStrings:Postgres", SettingKind.Text, "PostgreSQL connection string (empty = embedded SQLite)", Secret: true),
    ];

    private static readonly Dictionary<string, SettingDefinition> ByFlat = All.ToDictionary(d => d.FlatKey, StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, SettingDefinition> ByPath = All.ToDictionary(d => d.Path, StringComparer.OrdinalIgnoreCase);

    public static SettingDefinition? FindFlat(string key) => ByFlat.GetValueOrDefault(key);

    public static SettingDefinition? FindPath(string path) => ByPath.GetValueOrDefault(path);

    /// <summary>Is this key (flat or section form, ':' or '__') one the system knows?</summary>
    public static bool IsKnownKey(string key)
    {
        var path = key.Replace("__", ":", StringComparison.Ordinal);
        return ByFlat.ContainsKey(key) || ByPath.ContainsKey(path) || KnownSectionPrefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Sections whose sub-keys are bound directly to options classes.</summary>
    public static IReadOnlyList<string> KnownSectionPrefixes { get; } =
    [
        "Trading:", "KuCoin:", "Symbols:", "Audit:", "Risk:", "Scanner:", "Executor:", "Alerts:", "Messaging:", "RabbitMq:",
        "Database:", "ConnectionStrings:", "Logging:", "Paper:", "Service:",
    ];

    internal static bool TryParseBool(string value, out bool result)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                result = true;
                return true;
            case "false" or "0" or "no" or "off":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    internal static bool TryParseDecimal(string value, out decimal result) =>
        decimal.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out result);
}
