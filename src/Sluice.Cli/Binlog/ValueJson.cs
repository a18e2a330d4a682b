using System.Text.Json;
using Sluice.Binlog.Values;

namespace Sluice.Cli.Binlog;

/// <summary>
/// Writes one decoded cell as JSON, in the format of <c>sluice binlog tail --format jsonl</c>: integers, YEAR and BIT
/// as numbers; DECIMAL as an exact string; DATE <c>YYYY-MM-DD</c>; DATETIME <c>YYYY-MM-DDTHH:MM:SS[.f]</c> (declared
/// fractional digits); TIMESTAMP the same in UTC with <c>Z</c>; TIME <c>[-]HH:MM:SS[.f]</c>; text and ENUM as strings;
/// SET as an array of labels; binary as base64; JSON embedded; GEOMETRY as GeoJSON; zero dates and NULL as null.
/// </summary>
public static class ValueJson
{
    public static void Write(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case ulong u:
                w.WriteNumberValue(u);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case float f:
                if (float.IsFinite(f)) w.WriteNumberValue(f); else w.WriteStringValue(f.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double d:
                WriteDouble(w, d);
                break;
            case MySqlDecimal dec:
                w.WriteStringValue(dec.Text);
                break;
            case MySqlBit bit:
                w.WriteNumberValue(bit.Value);
                break;
            case MySqlDate date:
                // Zero and partially-zero dates (2020-00-15, 2020-05-00) are not dates: null.
                if (date.Month == 0 || date.Day == 0) w.WriteNullValue(); else w.WriteStringValue(date.ToString());
                break;
            case MySqlDateTime dt:
                if (dt.Month == 0 || dt.Day == 0) w.WriteNullValue(); else w.WriteStringValue(dt.ToString());
                break;
            case MySqlTimestamp ts:
                if (ts.IsZero) w.WriteNullValue(); else w.WriteStringValue(ts.ToString());
                break;
            case MySqlTime time:
                w.WriteStringValue(time.ToString());
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case byte[] bytes:
                w.WriteBase64StringValue(bytes);
                break;
            case MySqlEnum e:
                if (e.Label is not null) w.WriteStringValue(e.Label); else w.WriteNumberValue(e.Index);
                break;
            case MySqlSet set:
                if (set.Labels is null)
                {
                    w.WriteNumberValue(set.Bits);
                }
                else
                {
                    w.WriteStartArray();
                    foreach (var label in set.Labels) w.WriteStringValue(label);
                    w.WriteEndArray();
                }
                break;
            case MySqlJson json:
                w.WriteRawValue(json.Text, skipInputValidation: false);
                break;
            case MySqlGeometry geometry:
                if (geometry.TryToGeoJson() is { } geo) w.WriteRawValue(geo, skipInputValidation: false);
                else w.WriteBase64StringValue(geometry.Wkb);
                break;
            case float[] vector:
                w.WriteStartArray();
                foreach (var x in vector) Write(w, x);
                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteDouble(Utf8JsonWriter w, double d)
    {
        if (double.IsFinite(d)) w.WriteNumberValue(d);
        else w.WriteStringValue(d.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
