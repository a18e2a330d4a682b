using System.Text;

namespace Sluice.Replication.Schema;

/// <summary>String literals of MySQL SQL (as <see cref="SqlTokenizer"/> returns them, quotes included).</summary>
internal static class SqlLiteral
{
    /// <summary>The value of <c>'...'</c> or <c>"..."</c>: doubled quotes and (unless disabled) backslash escapes decoded.</summary>
    public static string Unquote(string raw, bool noBackslashEscapes)
    {
        if (raw.Length < 2) throw new FormatException($"not a string literal: {raw}");
        var quote = raw[0];
        var sb = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c == quote && i + 1 < raw.Length - 1 && raw[i + 1] == quote)
            {
                sb.Append(quote);
                i++;
                continue;
            }
            if (c == '\\' && !noBackslashEscapes && i + 1 < raw.Length - 1)
            {
                i++;
                sb.Append(raw[i] switch
                {
                    'n' => "\n",
                    't' => "\t",
                    'r' => "\r",
                    '0' => "\0",
                    'Z' => "\u001A",
                    'b' => "\b",
                    // \% and \_ keep their backslash (they are LIKE escapes).
                    '%' => "\\%",
                    '_' => "\\_",
                    var other => other.ToString(),
                });
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A label as information_schema writes it inside <c>enum(...)</c>/<c>set(...)</c>: <c>'</c> doubled, <c>\</c> doubled.</summary>
    public static string QuoteLabel(string label)
    {
        var sb = new StringBuilder(label.Length + 2).Append('\'');
        foreach (var c in label)
        {
            if (c == '\'') sb.Append("''");
            else if (c == '\\') sb.Append("\\\\");
            else sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }
}
