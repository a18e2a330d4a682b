using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Binlog.Tests.Values;

/// <summary>Semantic JSON comparison for expectations whose text form differs from ours (key order, number spelling).</summary>
internal static class JsonAssert
{
    /// <summary>
    /// Equal as JSON values: objects as key sets (order ignored), numbers by value, strings exactly, or - when
    /// <paramref name="temporalStrings"/> - equal after normalizing date/time fractions (trailing zeros dropped).
    /// </summary>
    public static void Equivalent(string expectedJson, string actualJson, bool temporalStrings = false)
    {
        var e = JsonNode.Parse(expectedJson);
        var a = JsonNode.Parse(actualJson);
        var path = Compare(e, a, "$", temporalStrings);
        Assert.True(path is null, $"JSON differs at {path}\nexpected: {expectedJson}\nactual:   {actualJson}");
    }

    public static void Equivalent(JsonElement expected, string actualJson, bool temporalStrings = false) =>
        Equivalent(expected.GetRawText(), actualJson, temporalStrings);

    private static string? Compare(JsonNode? e, JsonNode? a, string path, bool temporal)
    {
        if (e is null || a is null) return e is null && a is null ? null : path;
        switch (e)
        {
            case JsonObject eo:
            {
                if (a is not JsonObject ao || ao.Count != eo.Count) return path;
                foreach (var (k, ev) in eo)
                {
                    if (!ao.TryGetPropertyValue(k, out var av)) return path + "." + k;
                    var r = Compare(ev, av, path + "." + k, temporal);
                    if (r is not null) return r;
                }
                return null;
            }
            case JsonArray ea:
            {
                if (a is not JsonArray aa || aa.Count != ea.Count) return path;
                for (var i = 0; i < ea.Count; i++)
                {
                    var r = Compare(ea[i], aa[i], $"{path}[{i}]", temporal);
                    if (r is not null) return r;
                }
                return null;
            }
            default:
            {
                if (a is JsonObject or JsonArray) return path;
                var ev = e.AsValue();
                var av = a.AsValue();
                var ek = ev.GetValueKind();
                var ak = av.GetValueKind();
                if (ek != ak) return path;
                return ek switch
                {
                    JsonValueKind.Number => NumbersEqual(ev.ToJsonString(), av.ToJsonString()) ? null : path,
                    JsonValueKind.String => StringsEqual(ev.GetValue<string>(), av.GetValue<string>(), temporal) ? null : path,
                    _ => null,
                };
            }
        }
    }

    public static bool NumbersEqual(string e, string a)
    {
        if (e == a) return true;
        if (decimal.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out var ed)
            && decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var ad))
            return ed == ad;
        return double.Parse(e, CultureInfo.InvariantCulture) == double.Parse(a, CultureInfo.InvariantCulture);
    }

    private static bool StringsEqual(string e, string a, bool temporal) =>
        e == a || (temporal && NormalizeTemporal(e) == NormalizeTemporal(a));

    /// <summary>"2015-01-15 23:24:25.000" and "2015-01-15T23:24:25.000000" both become "2015-01-15 23:24:25".</summary>
    public static string NormalizeTemporal(string s)
    {
        s = s.Replace('T', ' ');
        if (s.EndsWith('Z')) s = s[..^1];
        var dot = s.LastIndexOf('.');
        if (dot > 0 && s[(dot + 1)..].All(char.IsAsciiDigit) && s.IndexOf(':') > 0)
        {
            s = s.TrimEnd('0');
            if (s.EndsWith('.')) s = s[..^1];
        }
        return s;
    }
}
