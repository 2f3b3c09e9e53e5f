namespace CypherScoping.Hosting;

/// <summary>A line of a .env file that could not be read.</summary>
public sealed record EnvFileError(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>
/// Parses the operator's .env files: KEY=value, '#' comments, inline comments after a value (preceded by
/// whitespace), blank lines, optional single or double quotes, optional 'export ' prefix.
/// </summary>
public static class EnvFile
{
    public static (IReadOnlyDictionary<string, string> Values, IReadOnlyList<EnvFileError> Errors) Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<EnvFileError>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNo = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                errors.Add(new EnvFileError(lineNo, $"expected KEY=value but found '{Truncate(line)}'"));
                continue;
            }

            var key = line[..eq].Trim();
            if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' or '.'))
            {
                errors.Add(new EnvFileError(lineNo, $"'{Truncate(key)}' is not a valid key (letters, digits, '_', ':' only)"));
                continue;
            }

            var raw = line[(eq + 1)..].Trim();
            string value;
            if (raw.Length > 0 && (raw[0] == '"' || raw[0] == '\''))
            {
                var quote = raw[0];
                var close = raw.IndexOf(quote, 1);
                if (close < 0)
                {
                    errors.Add(new EnvFileError(lineNo, $"{key}: missing closing {quote}"));
                    continue;
                }

                value = raw[1..close];
                var rest = raw[(close + 1)..].Trim();
                if (rest.Length > 0 && !rest.StartsWith('#'))
                {
                    errors.Add(new EnvFileError(lineNo, $"{key}: unexpected text after the quoted value"));
                    continue;
                }
            }
            else
            {
                value = StripInlineComment(raw);
            }

            values[key] = value;
        }

        return (values, errors);
    }

    public static (IReadOnlyDictionary<string, string> Values, IReadOnlyList<EnvFileError> Errors) Load(string path) =>
        Parse(File.ReadAllText(path));

    private static string StripInlineComment(string raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '#' && (i == 0 || char.IsWhiteSpace(raw[i - 1])))
            {
                return raw[..i].TrimEnd();
            }
        }

        return raw;
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
