using System.Globalization;
using System.Text;

namespace Sluice.Replication.Discovery;

/// <summary>Reads facts out of information_schema's COLUMN_TYPE text (e.g. <c>tinyint(1) unsigned</c>, <c>enum('a','b')</c>).</summary>
public static class ColumnTypeParser
{
    /// <summary>Whether the type is unsigned (<c>... unsigned</c>, possibly followed by <c>zerofill</c>).</summary>
    public static bool IsUnsigned(string columnType)
    {
        // Only look after the parenthesised part, so an ENUM label 'unsigned' is not mistaken for the attribute.
        var tail = TailAfterParentheses(columnType);
        return tail.Contains(" unsigned", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The number in the first parentheses for types that have one integer argument, else null.</summary>
    public static int? DisplayWidth(string columnType)
    {
        var open = columnType.IndexOf('(', StringComparison.Ordinal);
        if (open < 0) return null;
        var close = columnType.IndexOf(')', open + 1);
        if (close < 0) return null;
        var inner = columnType.AsSpan(open + 1, close - open - 1);
        return int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var width) ? width : null;
    }

    /// <summary>
    /// Fractional-second digits of <c>time(N)</c>, <c>datetime(N)</c>, <c>timestamp(N)</c> (0 when not written).
    /// Used instead of DATETIME_PRECISION, which MySQL 5.5 lacks.
    /// </summary>
    public static int FractionalDigits(string dataType, string columnType)
    {
        if (dataType is not ("time" or "datetime" or "timestamp")) return 0;
        return DisplayWidth(columnType) ?? 0;
    }

    /// <summary>
    /// The labels of <c>enum('a','b')</c> or <c>set('a','b')</c>, in order. Quotes inside labels are written doubled
    /// (<c>'it''s'</c>); backslash escapes (<c>\\</c>, <c>\'</c>, <c>\n</c>, ...) are decoded as MySQL string literals.
    /// </summary>
    public static IReadOnlyList<string> Labels(string columnType)
    {
        var open = columnType.IndexOf('(', StringComparison.Ordinal);
        if (open < 0) return [];
        var prefix = columnType.AsSpan(0, open).Trim();
        if (!prefix.Equals("enum", StringComparison.OrdinalIgnoreCase) && !prefix.Equals("set", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var labels = new List<string>();
        var i = open + 1;
        var text = columnType;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == ')') break;
            if (c is ',' or ' ') { i++; continue; }
            if (c != '\'')
            {
                throw new FormatException($"unexpected '{c}' at offset {i} in column type {columnType}");
            }

            i++;
            var label = new StringBuilder();
            var closed = false;
            while (i < text.Length)
            {
                c = text[i];
                if (c == '\'')
                {
                    if (i + 1 < text.Length && text[i + 1] == '\'') { label.Append('\''); i += 2; continue; }
                    i++;
                    closed = true;
                    break;
                }
                if (c == '\\' && i + 1 < text.Length)
                {
                    label.Append(text[i + 1] switch
                    {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        'Z' => '\u001A',
                        'b' => '\b',
                        var other => other,
                    });
                    i += 2;
                    continue;
                }
                label.Append(c);
                i++;
            }
            if (!closed) throw new FormatException($"unterminated label in column type {columnType}");
            labels.Add(label.ToString());
        }
        return labels;
    }

    private static string TailAfterParentheses(string columnType)
    {
        var close = columnType.LastIndexOf(')');
        return close < 0 ? " " + columnType : columnType[(close + 1)..];
    }
}
