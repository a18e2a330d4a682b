using System.Buffers.Binary;
using Sluice.Binlog.Events;
using Sluice.Binlog.Values;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>
/// PARTIAL_UPDATE_ROWS_EVENT after images: value_options, partial_bits (one bit per JSON column of the table), then
/// JSON diffs for the flagged columns. The image comes from the shared go-mysql vector; the TABLE_MAP and the before
/// image around it are built here from the vector's column types.
/// </summary>
public class PartialUpdateRowsTests
{
    [FixtureFact]
    public void After_image_with_partial_json_columns_keeps_the_diffs_when_the_before_image_lacks_them()
    {
        var v = BinlogFixtures.Vector("go-mysql.json/partial_update_image_empty_json/after_image_with_3_empty_json");
        var types = v.Vector.GetProperty("column_types").EnumerateArray().Select(x => (byte)x.GetInt32()).ToArray();
        var meta = v.Vector.GetProperty("column_meta").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var image = BinlogFixtures.Hex(v.Vector.GetProperty("image_hex").GetString()!);
        var consumed = v.Expected.GetProperty("bytes_consumed").GetInt32();

        var decoder = new EventDecoder();
        var tm = BuildTableMap(42, types, meta);
        decoder.DecodeBody(BinlogFixtures.HeaderFor(BinlogEventType.TableMap, tm.Length), tm);

        // Before image: only column 0 (its value = the after image's, bytes 3..6 of the image).
        var body = new List<byte>();
        body.AddRange(TableId(42));
        body.AddRange([1, 0]);       // flags: STMT_END
        body.AddRange([2, 0]);       // v2 extra info length (none)
        body.Add((byte)types.Length);
        body.Add(0x01);              // before: column 0
        body.Add(0xFF);              // after: all 8 columns
        body.Add(0x00);              // before NULL bitmap
        body.AddRange(image[3..7]);  // column 0
        body.AddRange(image[..consumed]);
        var header = BinlogFixtures.HeaderFor(BinlogEventType.PartialUpdateRows, body.Count);

        var ev = Assert.IsType<UpdateRowsEvent>(decoder.DecodeBody(header, body.ToArray()));
        Assert.True(ev.IsPartialJson);
        var row = Assert.Single(ev.Rows);
        Assert.Equal([0], row.Before.PresentColumns);
        Assert.False(row.Before.IsPresent(2));
        Assert.Throws<InvalidOperationException>(() => row.Before[2]);
        var values = v.Expected.GetProperty("values");
        foreach (var p in values.EnumerateObject())
        {
            var column = int.Parse(p.Name);
            if (types[column] == (byte)ColumnType.Json)
            {
                // Zero-length diff lists: the document is unchanged, but the before image does not hold it.
                Assert.Empty(Assert.IsType<PartialJsonValue>(row.After[column]).Diffs);
            }
            else
            {
                RowsEventVectorTests.AssertCell(p.Value, row.After[column]);
            }
        }
    }

    [FixtureFact]
    public void Recorded_partial_json_update_with_minimal_before_images_keeps_the_diffs()
    {
        // json.binlog.000001 has PARTIAL_UPDATE_ROWS with minimal before images; decode it whole and check the diffs.
        using var reader = new Sluice.Binlog.Files.BinlogFileReader(new MemoryStream(BinlogFixtures.FileBytes("rust_mysql_common/json.binlog.000001")));
        var partial = reader.ReadEvents().Select(e => e.Event).OfType<UpdateRowsEvent>().Single(u => u.IsPartialJson);
        Assert.Equal(6, partial.Rows.Count);
        foreach (var row in partial.Rows)
        {
            Assert.Equal([0], row.Before.PresentColumns);
            Assert.Equal([1, 2, 3], row.After.PresentColumns);
            var diff = Assert.Single(Assert.IsType<PartialJsonValue>(row.After[1]).Diffs);
            Assert.Equal("$.age", diff.Path);
            Assert.Equal(JsonDiffOperation.Replace, diff.Operation);
            Assert.Equal(diff.Value!.Text, row.After[3]!.ToString()); // age is a generated column = json_col->'$.age'
        }
    }

    private static byte[] TableId(ulong id)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, id);
        return b[..6];
    }

    private static byte[] BuildTableMap(ulong id, byte[] types, int[] meta)
    {
        var body = new List<byte>();
        body.AddRange(TableId(id));
        body.AddRange([0, 0]);
        body.AddRange([1, (byte)'d', 0, 1, (byte)'t', 0]);
        body.Add((byte)types.Length);
        body.AddRange(types);
        var metadata = new List<byte>();
        for (var i = 0; i < types.Length; i++)
        {
            switch ((ColumnType)types[i])
            {
                case ColumnType.Json or ColumnType.DateTime2 or ColumnType.Blob or ColumnType.Float or ColumnType.Double:
                    metadata.Add((byte)meta[i]);
                    break;
            }
        }
        body.Add((byte)metadata.Count);
        body.AddRange(metadata);
        body.AddRange(new byte[(types.Length + 7) / 8]);
        return body.ToArray();
    }
}
