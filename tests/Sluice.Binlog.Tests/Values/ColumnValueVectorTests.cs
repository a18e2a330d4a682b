using System.Globalization;
using System.Text;
using System.Text.Json;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Values;

/// <summary>
/// Every <c>column_value</c> vector (all column types, incl. all DECIMAL vectors) of the shared fixtures, decoded with
/// <see cref="CellDecoder"/> and compared field by field with the upstream expectation. Each expected key must be
/// understood by <see cref="Check"/>; an unknown key fails the test (nothing is silently skipped).
/// </summary>
public sealed class ColumnValueVectorTests
{
    public static TheoryData<string> ColumnValueIds => VectorFixtures.Ids("column_value");

    /// <summary>
    /// Vectors our value model cannot represent, with the reason. They are still checked: the decoder must reject
    /// them with a <see cref="BinlogFormatException"/>, and their framing (length prefix and payload) is verified.
    /// </summary>
    private static readonly Dictionary<string, string> Unrepresentable = new()
    {
        ["vitess.json|column_cells|73"] = "vitess feeds GEOMETRY a 3-byte payload 'abc' (framing test only); a MySQL GEOMETRY value starts with a 4-byte SRID, so MySqlGeometry cannot hold it",
        ["vitess.json|column_cells|74"] = "same as |73 with a 2-byte length prefix",
        ["vitess.json|column_cells|75"] = "same as |73 with a 3-byte length prefix",
        ["vitess.json|column_cells|76"] = "same as |73 with a 4-byte length prefix",
    };

    [FixtureFact]
    public void Fixture_has_the_expected_vector_count()
    {
        // 199 go-mysql decimals + 11 DATETIME2 + 15 TIME2 + 25 unsigned ints; 77 + 10 vitess; 43 + 6 MySqlCdc.
        Assert.Equal(386, VectorFixtures.OfKind("column_value").Count());
        foreach (var id in Unrepresentable.Keys) Assert.Equal("TypeGeometry", VectorFixtures.Get(id).Data.GetProperty("mysql_type_name").GetString());
    }

    [FixtureTheory]
    [MemberData(nameof(ColumnValueIds))]
    public void Decodes_column_value_vector(string id)
    {
        var v = VectorFixtures.Get(id);
        var column = ColumnFor(v);
        var bytes = v.Bytes;
        var expected = v.Expected;
        var consumed = expected.GetProperty("bytes_consumed").GetInt32();

        if (Unrepresentable.ContainsKey(id))
        {
            Assert.Throws<BinlogFormatException>(() =>
            {
                var r = new SpanReader(bytes);
                CellDecoder.Read(ref r, column);
            });
            var framing = new SpanReader(bytes);
            var payload = CellDecoder.ReadLengthPrefixed(ref framing, column.Metadata).ToArray();
            Assert.Equal(consumed, framing.Offset);
            Assert.Equal(expected.GetProperty("string").GetString(), Encoding.UTF8.GetString(payload));
            return;
        }

        var reader = new SpanReader(bytes);
        var value = CellDecoder.Read(ref reader, column);
        Assert.Equal(consumed, reader.Offset);

        foreach (var p in expected.EnumerateObject())
        {
            if (p.Name == "bytes_consumed") continue;
            Check(v, column, value, p.Name, p.Value, expected);
        }
        if (v.Data.TryGetProperty("valid_calendar_value", out var valid))
        {
            // go-mysql returns a string instead of a time.Time for zero/partial dates and for year 0001 (Go's zero time).
            var dt = Assert.IsType<MySqlDateTime>(value);
            Assert.Equal(valid.GetBoolean(), dt.TryToDateTime(out _) && dt.Year > 1);
        }
    }

    private static ColumnInfo ColumnFor(VectorFixtures.Vector v)
    {
        var type = (ColumnType)v.Field("mysql_type")!.Value.GetInt32();
        ushort meta = 0;
        if (v.Data.TryGetProperty("metadata_uint16", out var m16)) meta = (ushort)m16.GetInt32();
        else if (v.Data.TryGetProperty("metadata", out var m)) meta = (ushort)m.GetInt32();
        else if (v.Data.TryGetProperty("precision", out var prec)) meta = (ushort)(prec.GetInt32() << 8 | v.Data.GetProperty("scale").GetInt32());
        else if (v.Data.TryGetProperty("fsp", out var fsp)) meta = (ushort)fsp.GetInt32();
        if (type == ColumnType.NewDecimal && v.Data.TryGetProperty("precision", out var p2))
            Assert.Equal(p2.GetInt32() << 8 | v.Data.GetProperty("scale").GetInt32(), meta); // metadata_uint16 agrees with precision/scale

        var unsigned = (v.Data.TryGetProperty("unsigned", out var u) && u.GetBoolean())
            || (v.Data.TryGetProperty("signedness", out var s) && s.GetString() == "unsigned");
        return new ColumnInfo(0, type, meta, IsUnsigned: unsigned);
    }

    private static void Check(VectorFixtures.Vector v, ColumnInfo column, object? value, string key, JsonElement e, JsonElement expected)
    {
        switch (key)
        {
            case "uint":
                Assert.Equal(e.GetUInt64(), Assert.IsType<ulong>(value));
                break;
            case "int":
                switch (value)
                {
                    case long l: Assert.Equal(e.GetInt64(), l); break;
                    case int i: Assert.Equal(e.GetInt32(), i); break; // YEAR
                    case MySqlEnum en: Assert.Equal(e.GetInt32(), en.Index); break;
                    case MySqlSet set: Assert.Equal(e.GetUInt64(), set.Bits); break;
                    default: Assert.Fail($"'int' expected but decoded {value?.GetType().Name}"); break;
                }
                break;
            case "string":
                CheckString(v, value, e.GetString()!);
                break;
            case "bytes_hex":
            {
                var hex = e.GetString()!;
                switch (value)
                {
                    case MySqlBit bit: Assert.Equal(hex, bit.ToHex()); break;
                    case MySqlSet set: Assert.Equal(LittleEndian(Convert.FromHexString(hex)), set.Bits); break;
                    case string str: Assert.Equal(hex, Convert.ToHexString(Encoding.UTF8.GetBytes(str)).ToLowerInvariant()); break;
                    case byte[] b: Assert.Equal(hex, Convert.ToHexString(b).ToLowerInvariant()); break;
                    default: Assert.Fail($"bytes_hex expected but decoded {value?.GetType().Name}"); break;
                }
                break;
            }
            case "float32_approx":
                Assert.Equal((float)e.GetDouble(), Assert.IsType<float>(value));
                break;
            case "float64":
                Assert.Equal(e.GetDouble(), Assert.IsType<double>(value));
                break;
            case "json":
                JsonAssert.Equivalent(e, Assert.IsType<MySqlJson>(value).Text);
                break;
            case "bits_msb_first":
                Assert.Equal(e.GetString(), Assert.IsType<MySqlBit>(value).ToString());
                break;
            case "invalid_date":
                Assert.Equal(!e.GetBoolean(), Assert.IsType<MySqlDate>(value).TryToDateOnly(out _));
                break;
            case "invalid_datetime":
                Assert.Equal(!e.GetBoolean(), Assert.IsType<MySqlDateTime>(value).TryToDateTime(out _));
                break;
            case "negative":
                Assert.Equal(e.GetBoolean(), Assert.IsType<MySqlTime>(value).Negative);
                break;
            case "hours":
                Assert.Equal(e.GetInt32(), Assert.IsType<MySqlTime>(value).Hours);
                break;
            case "minutes":
                Assert.Equal(e.GetInt32(), Assert.IsType<MySqlTime>(value).Minutes);
                break;
            case "seconds":
                Assert.Equal(e.GetInt32(), Assert.IsType<MySqlTime>(value).Seconds);
                break;
            case "microseconds":
                Assert.Equal(e.GetInt32(), value switch
                {
                    MySqlTime t => t.Microsecond,
                    MySqlTimestamp ts => ts.Microsecond,
                    _ => throw new InvalidOperationException($"microseconds for {value?.GetType().Name}"),
                });
                break;
            case "unix_seconds":
                Assert.Equal(e.GetInt64(), Assert.IsType<MySqlTimestamp>(value).Seconds);
                break;
            case "utc":
                Assert.Equal(JsonAssert.NormalizeTemporal(e.GetString()!), JsonAssert.NormalizeTemporal(Assert.IsType<MySqlTimestamp>(value).ToString()));
                break;
            case "vitess_sql_type":
                CheckVitessType(e.GetString()!, value);
                break;
            case "note":
                break; // explanation only
            default:
                Assert.Fail($"vector {v.Id}: unhandled expected field '{key}'");
                break;
        }
    }

    private static void CheckString(VectorFixtures.Vector v, object? value, string expected)
    {
        switch (value)
        {
            case MySqlDecimal d:
                Assert.Equal(expected, d.Text);
                break;
            case long or ulong or int:
                Assert.Equal(expected, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case float f:
                Assert.Equal(float.Parse(expected, CultureInfo.InvariantCulture), f);
                break;
            case double d:
                Assert.Equal(double.Parse(expected, CultureInfo.InvariantCulture), d);
                break;
            case MySqlDate date:
                Assert.Equal(expected, date.ToString());
                break;
            case MySqlDateTime dt:
                // go-mysql / vitess / MySqlCdc print "YYYY-MM-DD HH:MM:SS[.f]"; our contract uses 'T'.
                Assert.Equal(expected.Replace(' ', 'T'), dt.ToString());
                break;
            case MySqlTimestamp ts:
                // vitess prints the UTC wall clock without a zone; ours ends in 'Z'.
                Assert.Equal(expected.Replace(' ', 'T') + "Z", ts.ToString());
                break;
            case MySqlTime t:
                Assert.Equal(expected, t.ToString());
                break;
            case MySqlEnum en:
                Assert.Equal(expected, en.Index.ToString(CultureInfo.InvariantCulture)); // vitess prints the index
                break;
            case string s:
                Assert.Equal(expected, s);
                break;
            case byte[] b:
                Assert.Equal(expected, Encoding.UTF8.GetString(b));
                break;
            case MySqlJson j:
                // vitess renders JSON as SQL (JSON_OBJECT('a','b')).
                JsonAssert.Equivalent(VitessSqlJson.ToJson(expected), j.Text);
                break;
            default:
                Assert.Fail($"vector {v.Id}: no string comparison for {value?.GetType().Name}");
                break;
        }
    }

    private static void CheckVitessType(string sqlType, object? value)
    {
        var ok = sqlType switch
        {
            "UINT8" or "UINT16" or "UINT24" or "UINT32" or "UINT64" => value is ulong,
            "INT8" or "INT16" or "INT24" or "INT32" or "INT64" => value is long,
            "YEAR" => value is int,
            "FLOAT32" => value is float,
            "FLOAT64" => value is double,
            "DECIMAL" => value is MySqlDecimal,
            "DATE" => value is MySqlDate,
            "DATETIME" => value is MySqlDateTime,
            "TIMESTAMP" => value is MySqlTimestamp,
            "TIME" => value is MySqlTime,
            "VARCHAR" => value is byte[], // no collation known: text stays bytes for the caller to decode
            "VARBINARY" => value is byte[], // BLOB without a known text collation
            "BIT" => value is MySqlBit,
            "ENUM" => value is MySqlEnum,
            "SET" => value is MySqlSet,
            "GEOMETRY" => value is MySqlGeometry,
            "Expression" => value is MySqlJson,
            _ => false,
        };
        Assert.True(ok, $"vitess type {sqlType} but decoded {value?.GetType().Name}");
    }

    private static ulong LittleEndian(byte[] b)
    {
        ulong v = 0;
        for (var i = b.Length - 1; i >= 0; i--) v = (v << 8) | b[i];
        return v;
    }
}
