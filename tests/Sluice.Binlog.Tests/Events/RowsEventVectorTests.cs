using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Binlog.Events;
using Sluice.Binlog.Values;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>Rows event bodies (v2) decoded after their TABLE_MAP: null bitmaps, trailing NULLs, JSON, ENUM/SET, extra row info.</summary>
public class RowsEventVectorTests
{
    public static TheoryData<string> Keys => BinlogFixtures.VectorKeys("rows_event");

    [FixtureTheory]
    [MemberData(nameof(Keys))]
    public void Decodes_rows_event_vector(string key)
    {
        var v = BinlogFixtures.Vector(key);
        var decoder = new EventDecoder();
        var tmBody = BinlogFixtures.Hex(v.Vector.GetProperty("table_map_hex").GetString()!);
        decoder.DecodeBody(BinlogFixtures.HeaderFor(BinlogEventType.TableMap, tmBody.Length), tmBody);
        var body = BinlogFixtures.Hex(v.Vector.GetProperty("rows_hex").GetString()!);
        var typeName = v.Vector.GetProperty("event_type").GetString()!;
        var type = typeName.StartsWith("WRITE", StringComparison.Ordinal) ? BinlogEventType.WriteRowsV2
            : typeName.StartsWith("UPDATE", StringComparison.Ordinal) ? BinlogEventType.UpdateRowsV2
            : BinlogEventType.DeleteRowsV2;
        var header = BinlogFixtures.HeaderFor(type, body.Length);
        var e = v.Expected;

        if (e.Has("before", out var beforeExp) && beforeExp.EnumerateObject().Any(p => p.Value.GetString()!.StartsWith("UNDECODABLE", StringComparison.Ordinal)))
        {
            var ex = Assert.ThrowsAny<BinlogFormatException>(() => decoder.DecodeBody(header, body));
            Assert.Contains("before image", ex.Message);
            return;
        }

        var ev = Assert.IsAssignableFrom<RowsEvent>(decoder.DecodeBody(header, body));
        Assert.Equal(2, ev.Version);
        var images = ev switch
        {
            WriteRowsEvent w => w.Rows,
            DeleteRowsEvent d => d.Rows,
            UpdateRowsEvent u => u.Rows.Select(r => r.After).ToList(),
            _ => throw new InvalidOperationException(),
        };

        if (e.Has("row_count", out var count)) Assert.Equal(count.GetInt32(), images.Count);
        if (e.Has("rows_collector_derived", out var derived)) AssertRows(derived, images);
        if (e.Has("rows", out var rows)) AssertRows(rows, images);
        if (e.Has("asserted", out var asserted) && asserted.GetString()!.Contains("\"101\"", StringComparison.Ordinal))
        {
            Assert.Equal("101", images[0][1]!.ToString());
            var json = JsonNode.Parse(Assert.IsType<MySqlJson>(images[0][0]).Text)!.AsObject();
            Assert.True(json["text"]!.GetValue<string>().Length > 2000);
        }
        if (v.Id == "json_not_null_column_missing_value")
            Assert.True(Assert.IsType<MySqlJson>(images[0][3]).IsEmpty);
        if (e.Has("after", out var after) && ev is WriteRowsEvent) AssertColumns(after, images[0]);
        if (ev is UpdateRowsEvent upd && e.Has("before", out var before))
        {
            AssertColumns(before, upd.Rows[0].Before);
            AssertColumns(e.GetProperty("after"), upd.Rows[0].After);
        }
        if (e.Has("partition_id", out var partition))
        {
            Assert.Equal(partition.GetInt32(), ev.ExtraInfo?.PartitionId ?? 0);
            Assert.Equal(e.GetProperty("source_partition_id").GetInt32(), ev.ExtraInfo?.SourcePartitionId ?? 0);
            Assert.Equal(e.GetProperty("ndb_format").GetInt32(), ev.ExtraInfo?.NdbFormat ?? 0);
            var ndb = e.GetProperty("ndb_data_hex");
            Assert.Equal(ndb.IsNull() ? null : ndb.GetString(), ev.ExtraInfo?.NdbData is { } data ? Convert.ToHexString(data).ToLowerInvariant() : null);
        }
    }

    private static void AssertRows(JsonElement expected, IReadOnlyList<RowImage> images)
    {
        var rows = expected.EnumerateArray().ToList();
        Assert.Equal(rows.Count, images.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = rows[r].EnumerateArray().ToList();
            for (var c = 0; c < cells.Count; c++) AssertCell(cells[c], images[r][c]);
        }
    }

    private static void AssertColumns(JsonElement byIndex, RowImage image)
    {
        foreach (var p in byIndex.EnumerateObject()) AssertCell(p.Value, image[int.Parse(p.Name)]);
    }

    /// <summary>Compares a decoded cell with a JSON value: numbers, strings, ENUM index, SET bits, JSON documents.</summary>
    internal static void AssertCell(JsonElement expected, object? actual)
    {
        switch (actual)
        {
            case null:
                Assert.True(expected.IsNull(), $"expected {expected}, got NULL");
                break;
            case MySqlEnum en:
                Assert.Equal(expected.GetInt32(), en.Index);
                break;
            case MySqlSet set:
                Assert.Equal(expected.GetUInt64(), set.Bits);
                break;
            case MySqlJson json:
                var expectedNode = expected.ValueKind == JsonValueKind.String ? JsonNode.Parse(expected.GetString()!) : JsonNode.Parse(expected.GetRawText());
                Assert.True(JsonNode.DeepEquals(expectedNode, JsonNode.Parse(json.Text)), $"expected JSON {expected}, got {json.Text}");
                break;
            case long or ulong or int:
                Assert.Equal(expected.GetRawText(), Convert.ToString(actual, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                Assert.Equal(expected.ValueKind == JsonValueKind.String ? expected.GetString() : expected.GetRawText(), EventExpectations.Text(actual));
                break;
        }
    }
}
