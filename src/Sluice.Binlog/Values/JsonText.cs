using System.Globalization;
using System.Text;

namespace Sluice.Binlog.Values;

/// <summary>Shared JSON text formatting (MySQL-like, compact).</summary>
internal static class JsonText
{
    /// <summary>Appends a JSON string literal; escapes '"', '\\' and control characters only (like MySQL).</summary>
    public static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>
    /// A double as a JSON number: shortest round-trip digits, exponent as <c>e</c> (no '+'), and ".0" appended to
    /// integral values the way MySQL prints JSON doubles (so 2.0 stays distinguishable from the integer 2).
    /// Non-finite values (never stored by MySQL) become <c>null</c>.
    /// </summary>
    public static string FormatDouble(double d, bool mysqlStyleIntegral = true)
    {
        if (!double.IsFinite(d)) return "null";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        var e = s.IndexOf('E');
        if (e >= 0)
        {
            var mantissa = s[..e];
            var exp = s[(e + 1)..];
            if (exp.StartsWith('+')) exp = exp[1..];
            return mantissa + "e" + exp;
        }
        if (mysqlStyleIntegral && s.IndexOf('.') < 0) s += ".0";
        return s;
    }
}
