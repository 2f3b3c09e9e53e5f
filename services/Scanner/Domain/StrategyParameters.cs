using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CypherScoping.Scanner.Domain;

/// <summary>Indicator periods of the CypherScore strategy.</summary>
public sealed record IndicatorPeriods
{
    public int EmaFast { get; init; } = 9;
    public int EmaSlow { get; init; } = 21;
    public int Rsi { get; init; } = 14;
    public int MacdFast { get; init; } = 12;
    public int MacdSlow { get; init; } = 26;
    public int MacdSignal { get; init; } = 9;
    public int Bollinger { get; init; } = 20;
    public double BollingerK { get; init; } = 2.0;
    public int Atr { get; init; } = 14;
    public int Adx { get; init; } = 14;
    public int Volume { get; init; } = 20;
}

/// <summary>Weights of the score components (each component is in [−1, 1]; the weighted sum is clamped to [−100, 100]).</summary>
public sealed record ScoreWeights
{
    public double Ema { get; init; } = 25;
    public double Adx { get; init; } = 15;
    public double Rsi { get; init; } = 20;
    public double Macd { get; init; } = 20;
    public double Bollinger { get; init; } = 10;
    public double Volume { get; init; } = 10;
}

/// <summary>The versioned strategy file (JSON). Hash and id travel on every signal.</summary>
public sealed record StrategyParameters
{
    public int SchemaVersion { get; init; } = 1;
    public string StrategyId { get; init; } = "cypher-score";
    public string Version { get; init; } = "1.0.0";
    public IndicatorPeriods Indicators { get; init; } = new();
    public ScoreWeights Weights { get; init; } = new();
    /// <summary>Long when score ≥ threshold, short when score ≤ −threshold.</summary>
    public double EntryThreshold { get; init; } = 60;
    /// <summary>EMA spread (in ATRs) that counts as a full trend.</summary>
    public double EmaSpreadAtr { get; init; } = 1.0;
    /// <summary>MACD histogram (in ATRs) that counts as full momentum.</summary>
    public double MacdHistogramAtr { get; init; } = 0.25;
    /// <summary>RSI distance from 50 that counts as full momentum.</summary>
    public double RsiSpan { get; init; } = 25;
    public double AdxFloor { get; init; } = 15;
    public double AdxFull { get; init; } = 40;
    /// <summary>Volume z-score that counts as full confirmation.</summary>
    public double VolumeZFull { get; init; } = 2;
    /// <summary>Stop distance = k · ATR.</summary>
    public double StopAtrMultiple { get; init; } = 2.5;
    /// <summary>Take-profit distance = multiple · stop distance.</summary>
    public double TakeProfitMultiple { get; init; } = 1.5;
    /// <summary>Candles after a signal before the same symbol may signal again.</summary>
    public int CooldownCandles { get; init; } = 12;

    [JsonIgnore]
    public string Label => $"{StrategyId}@{Version}";

    /// <summary>Candles needed before every indicator is ready (no signal before that).</summary>
    [JsonIgnore]
    public int WarmUpCandles
    {
        get
        {
            var i = Indicators;
            return new[]
            {
                i.EmaFast, i.EmaSlow, i.Rsi + 1, Math.Max(i.MacdFast, i.MacdSlow) + i.MacdSignal - 1, i.Bollinger, i.Atr, 2 * i.Adx, i.Volume,
            }.Max();
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>First 16 hex characters of SHA-256 over the canonical JSON of every parameter.</summary>
    public string ComputeHash()
    {
        var canonical = JsonSerializer.Serialize(this, JsonOptions);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)), 0, 8).ToLowerInvariant();
    }

    /// <summary>Every problem with the parameters (empty = usable).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (SchemaVersion != 1)
        {
            problems.Add($"schemaVersion {SchemaVersion} is not supported (expected 1)");
        }

        if (string.IsNullOrWhiteSpace(StrategyId) || string.IsNullOrWhiteSpace(Version))
        {
            problems.Add("strategyId and version are required");
        }

        var i = Indicators;
        foreach (var (name, value) in new[]
                 {
                     ("emaFast", i.EmaFast), ("emaSlow", i.EmaSlow), ("rsi", i.Rsi), ("macdFast", i.MacdFast), ("macdSlow", i.MacdSlow),
                     ("macdSignal", i.MacdSignal), ("bollinger", i.Bollinger), ("atr", i.Atr), ("adx", i.Adx), ("volume", i.Volume),
                 })
        {
            if (value is < 1 or > 1000)
            {
                problems.Add($"indicators.{name}={value} must be between 1 and 1000");
            }
        }

        if (i.Volume < 2 || i.Bollinger < 2)
        {
            problems.Add("indicators.volume and indicators.bollinger need at least 2 values");
        }

        if (i.EmaFast >= i.EmaSlow || i.MacdFast >= i.MacdSlow)
        {
            problems.Add("fast periods must be shorter than slow periods");
        }

        var w = Weights;
        var weights = new[] { w.Ema, w.Adx, w.Rsi, w.Macd, w.Bollinger, w.Volume };
        if (weights.Any(x => x < 0 || !double.IsFinite(x)) || weights.Sum() <= 0)
        {
            problems.Add("weights must be non-negative with a positive sum");
        }

        if (!(EntryThreshold > 0 && EntryThreshold <= 100))
        {
            problems.Add($"entryThreshold={EntryThreshold.ToString(CultureInfo.InvariantCulture)} must be in (0, 100]");
        }

        if (!(StopAtrMultiple > 0) || !(TakeProfitMultiple > 0) || !(i.BollingerK > 0))
        {
            problems.Add("stopAtrMultiple, takeProfitMultiple and bollingerK must be positive");
        }

        if (!(EmaSpreadAtr > 0) || !(MacdHistogramAtr > 0) || !(RsiSpan > 0) || !(VolumeZFull > 0) || !(AdxFull > AdxFloor) || AdxFloor < 0)
        {
            problems.Add("normalisers must be positive (adxFull > adxFloor ≥ 0)");
        }

        if (CooldownCandles < 0)
        {
            problems.Add("cooldownCandles must be ≥ 0");
        }

        return problems;
    }

    public static StrategyParameters Parse(string json, string source)
    {
        StrategyParameters? parameters;
        try
        {
            parameters = JsonSerializer.Deserialize<StrategyParameters>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"strategy file {source}: {ex.Message}", ex);
        }

        if (parameters is null)
        {
            throw new InvalidDataException($"strategy file {source}: empty");
        }

        var problems = parameters.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"strategy file {source}: {string.Join("; ", problems)}");
        }

        return parameters;
    }

    /// <summary>The strategy file embedded in the Scanner (Domain/Strategies/cypher-score.json).</summary>
    public static StrategyParameters Default { get; } = Parse(ReadEmbedded(), "embedded cypher-score.json");

    public static string ReadEmbedded()
    {
        var assembly = typeof(StrategyParameters).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("cypher-score.json", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The file when a path is given, else the embedded default.</summary>
    public static StrategyParameters Load(string? path) =>
        string.IsNullOrWhiteSpace(path)
            ? Default
            : File.Exists(path)
                ? Parse(File.ReadAllText(path), path)
                : throw new InvalidDataException($"strategy file {path} does not exist");

    public string ToJson() => JsonSerializer.Serialize(this, IndentedOptions);

    private static readonly JsonSerializerOptions IndentedOptions = new(JsonOptions) { WriteIndented = true };
}
