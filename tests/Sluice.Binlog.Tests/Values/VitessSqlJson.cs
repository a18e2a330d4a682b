using System.Text;
using System.Text.Json.Nodes;

namespace Sluice.Binlog.Tests.Values;

/// <summary>
/// Turns vitess' SQL rendering of a JSON value (what its tests assert) into JSON text:
/// <c>JSON_OBJECT('k',v,...)</c>, <c>JSON_ARRAY(v,...)</c>, SQL string literals (plain strings inside those
/// functions; at top level a quoted SQL string holds JSON text), numbers, and <c>CAST(CAST('x' AS T) AS JSON)</c>
/// (the string x).
/// </summary>
internal static class VitessSqlJson
{
    public static string ToJson(string rendering)
    {
        var i = 0;
        var node = ParseValue(rendering, ref i, topLevel: true);
        if (i != rendering.Length) throw new FormatException($"trailing text in vitess rendering at {i}: {rendering}");
        return node?.ToJsonString() ?? "null";
    }

    private static JsonNode? ParseValue(string s, ref int i, bool topLevel)
    {
        if (s.AsSpan(i).StartsWith("JSON_OBJECT("))
        {
            i += "JSON_OBJECT(".Length;
            var o = new JsonObject();
            while (s[i] != ')')
            {
                var key = ParseSqlString(s, ref i);
                Expect(s, ref i, ',');
                o[key] = ParseValue(s, ref i, false);
                if (s[i] == ',') i++;
            }
            i++;
            return o;
        }
        if (s.AsSpan(i).StartsWith("JSON_ARRAY("))
        {
            i += "JSON_ARRAY(".Length;
            var a = new JsonArray();
            while (s[i] != ')')
            {
                a.Add(ParseValue(s, ref i, false));
                if (s[i] == ',') i++;
            }
            i++;
            return a;
        }
        if (s.AsSpan(i).StartsWith("CAST(CAST("))
        {
            i += "CAST(CAST(".Length;
            var text = ParseSqlString(s, ref i);
            var end = s.IndexOf(") AS JSON)", i, StringComparison.Ordinal);
            i = end + ") AS JSON)".Length;
            return JsonValue.Create(text);
        }
        if (s[i] == '\'')
        {
            var text = ParseSqlString(s, ref i);
            return topLevel ? JsonNode.Parse(text) : JsonValue.Create(text);
        }
        var start = i;
        while (i < s.Length && s[i] is not (',' or ')')) i++;
        return JsonNode.Parse(s[start..i]);
    }

    private static string ParseSqlString(string s, ref int i)
    {
        Expect(s, ref i, '\'');
        var sb = new StringBuilder();
        while (true)
        {
            var c = s[i++];
            if (c == '\\') sb.Append(s[i++]);
            else if (c == '\'')
            {
                if (i < s.Length && s[i] == '\'') { sb.Append('\''); i++; }
                else break;
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static void Expect(string s, ref int i, char c)
    {
        if (s[i] != c) throw new FormatException($"expected '{c}' at {i} in {s}");
        i++;
    }
}
