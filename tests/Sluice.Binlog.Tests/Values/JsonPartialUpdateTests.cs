using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Values;

public sealed class JsonPartialUpdateTests
{
    /// <summary>Encodes one diff the way MySQL writes it (operation, packed path length, path, packed value length, binary JSON).</summary>
    private static byte[] Diff(JsonDiffOperation op, string path, byte[]? binaryValue = null)
    {
        var b = new List<byte> { (byte)op };
        var p = Encoding.UTF8.GetBytes(path);
        b.Add((byte)p.Length);
        b.AddRange(p);
        if (binaryValue is not null)
        {
            b.Add((byte)binaryValue.Length);
            b.AddRange(binaryValue);
        }
        return [.. b];
    }

    private static byte[] Int16(short v) => [0x05, (byte)v, (byte)(v >> 8)];
    private static byte[] Str(string s) => [0x0C, (byte)Encoding.UTF8.GetByteCount(s), .. Encoding.UTF8.GetBytes(s)];

    [Fact]
    public void Applies_replace_insert_and_remove()
    {
        var before = new MySqlJson("{\"a\":1,\"b\":[10,20,30],\"c d\":{\"x\":true}}");
        byte[] diffs =
        [
            .. Diff(JsonDiffOperation.Replace, "$.a", Int16(2)),
            .. Diff(JsonDiffOperation.Insert, "$.b[1]", Int16(15)),
            .. Diff(JsonDiffOperation.Remove, "$.b[last]"),
            .. Diff(JsonDiffOperation.Insert, "$.\"c d\".y", Str("new")),
            .. Diff(JsonDiffOperation.Remove, "$.\"c d\".x"),
            .. Diff(JsonDiffOperation.Insert, "$.b[99]", Int16(99)),
        ];
        var after = JsonPartialUpdate.ApplyJsonDiff(before, diffs);
        Assert.Equal("{\"a\":2,\"b\":[10,15,20,99],\"c d\":{\"y\":\"new\"}}", after.Text);

        var parsed = JsonPartialUpdate.ParseDiffs(diffs);
        Assert.Equal(6, parsed.Count);
        Assert.Equal(new JsonDiff(JsonDiffOperation.Replace, "$.a", new MySqlJson("2")), parsed[0]);
        Assert.Null(parsed[2].Value);
    }

    [Fact]
    public void Replaces_the_root_and_keeps_numbers_exact()
    {
        var before = new MySqlJson("{\"big\":18446744073709551615,\"d\":1.50}");
        Assert.Equal("{\"big\":18446744073709551615,\"d\":1.50,\"s\":\"x\"}",
            JsonPartialUpdate.ApplyJsonDiff(before, Diff(JsonDiffOperation.Insert, "$.s", Str("x"))).Text);
        Assert.Equal("\"all\"", JsonPartialUpdate.ApplyJsonDiff(before, Diff(JsonDiffOperation.Replace, "$", Str("all"))).Text);
    }

    [Theory]
    [InlineData(JsonDiffOperation.Replace, "$.missing")]
    [InlineData(JsonDiffOperation.Remove, "$.b[5]")]
    [InlineData(JsonDiffOperation.Insert, "$.nope.x")]
    [InlineData(JsonDiffOperation.Replace, "$.b[*]")]
    [InlineData(JsonDiffOperation.Remove, "a.b")]
    public void Inapplicable_diffs_throw(JsonDiffOperation op, string path)
    {
        var before = new MySqlJson("{\"b\":[1]}");
        var bytes = Diff(op, path, op == JsonDiffOperation.Remove ? null : Int16(1));
        Assert.Throws<BinlogFormatException>(() => JsonPartialUpdate.ApplyJsonDiff(before, bytes));
    }

    [Fact]
    public void Truncated_diff_bytes_throw() =>
        Assert.Throws<BinlogFormatException>(() => JsonPartialUpdate.ParseDiffs(Diff(JsonDiffOperation.Replace, "$.a", Int16(2))[..^2]));

    /// <summary>
    /// json.binlog.000001 (MySQL 8.0.22): table t(id INT, json_col JSON, name VARCHAR(100) AS (json_col->>'$.name'),
    /// age INT AS (json_col->'$.age')). An UPDATE_ROWS_EVENT (offset 2612) gives full after-images; the following
    /// PARTIAL_UPDATE_ROWS_EVENT (offset 3750) carries only JSON diffs plus the generated columns. Applying the diffs to
    /// the UPDATE's after-images must give documents whose $.age and $.name match the generated columns.
    /// </summary>
    [FixtureFact]
    public void Recorded_partial_update_applies_to_the_previous_after_image()
    {
        var file = File.ReadAllBytes(Path.Combine(RepositoryPaths.BinlogFixtures!, "files/rust_mysql_common/json.binlog.000001"));
        ColumnInfo[] columns =
        [
            new(0, ColumnType.Long, 0, Name: "id"),
            new(1, ColumnType.Json, 4, Name: "json_col"),
            new(2, ColumnType.VarChar, 400, CollationId: 255, Name: "name"),
            new(3, ColumnType.Long, 0, Name: "age"),
        ];

        var full = new Dictionary<long, MySqlJson>();
        var update = RowsBody(file, 2612, 31);
        var cols = ReadHeader(ref update, isUpdate: true, out var beforeCols, out var afterCols);
        Assert.Equal(4, cols);
        while (!update.IsAtEnd)
        {
            ReadImage(ref update, columns, beforeCols, partialJson: null);
            var after = ReadImage(ref update, columns, afterCols!, partialJson: null);
            full[(long)after[0]!] = (MySqlJson)after[1]!;
        }
        Assert.NotEmpty(full);

        var partial = RowsBody(file, 3750, 39);
        ReadHeader(ref partial, isUpdate: true, out beforeCols, out afterCols);
        var rows = 0;
        while (!partial.IsAtEnd)
        {
            var before = ReadImage(ref partial, columns, beforeCols, partialJson: null);
            var valueOptions = partial.ReadLengthEncodedInteger();
            Assert.Equal(1UL, valueOptions & 1); // PARTIAL_JSON_UPDATES
            var partialBits = partial.ReadByte(); // one bit per JSON column (one here)
            var after = ReadImage(ref partial, columns, afterCols!, partialJson: (partialBits & 1) != 0 ? 1 : null);

            var id = (long)before[0]!;
            var diffs = Assert.IsAssignableFrom<IReadOnlyList<JsonDiff>>(after[1]);
            var result = JsonPartialUpdate.Apply(full[id], diffs);
            var doc = JsonNode.Parse(result.Text)!.AsObject();
            Assert.Equal((long)after[3]!, doc["age"]!.GetValue<long>());
            Assert.Equal((string)after[2]!, doc["name"]!.GetValue<string>());

            // Everything except the replaced paths is unchanged.
            var expected = JsonNode.Parse(full[id].Text)!.AsObject();
            expected["age"] = after[3] is long age ? JsonValue.Create(age) : null;
            JsonAssert.Equivalent(expected.ToJsonString(), result.Text);
            Assert.All(diffs, d => Assert.Equal(JsonDiffOperation.Replace, d.Operation));
            rows++;
        }
        Assert.Equal(full.Count, rows);
    }

    /// <summary>
    /// json-opaque.binlog (MySQL 9.0.1): one JSON column holding opaque scalars; the EXPECTED.json rows give the JSON
    /// as MySQL shows it (DATETIME/TIME with 6 fraction digits, DECIMAL with its scale, other types base64).
    /// </summary>
    [FixtureFact]
    public void Recorded_opaque_json_values_render_like_mysql()
    {
        var dir = RepositoryPaths.BinlogFixtures!;
        var file = File.ReadAllBytes(Path.Combine(dir, "files/rust_mysql_common/json-opaque.binlog"));
        using var expected = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "files/rust_mysql_common/EXPECTED.json")));
        var rows = expected.RootElement.GetProperty("files").GetProperty("json-opaque.binlog").GetProperty("rows");
        ColumnInfo[] columns = [new(0, ColumnType.Json, 4, Name: "a")];
        var checkedRows = 0;
        foreach (var row in rows.EnumerateArray())
        {
            var body = RowsBody(file, row.GetProperty("offset").GetInt32(), 30);
            ReadHeader(ref body, isUpdate: false, out var present, out _);
            var values = ReadImage(ref body, columns, present, partialJson: null);
            var json = Assert.IsType<MySqlJson>(values[0]);
            var compact = JsonNode.Parse(row.GetProperty("json").GetRawText())!.ToJsonString(
                new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            Assert.Equal(compact, json.Text); // exact: MySQL-style rendering, stored key order
            checkedRows++;
        }
        Assert.Equal(8, checkedRows);
    }

    private static SpanReader RowsBody(byte[] file, int offset, int type)
    {
        Assert.Equal(type, file[offset + 4]);
        var size = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(offset + 9));
        return new SpanReader(file.AsSpan(offset + 19, size - 19 - 4)); // CRC32 trailer
    }

    private static int ReadHeader(ref SpanReader r, bool isUpdate, out bool[] before, out bool[]? after)
    {
        r.Skip(6 + 2); // table id, flags
        var extra = r.ReadUInt16();
        r.Skip(extra - 2);
        var n = (int)r.ReadLengthEncodedInteger();
        before = Bits(r.ReadBytes((n + 7) / 8), n);
        after = isUpdate ? Bits(r.ReadBytes((n + 7) / 8), n) : null;
        return n;
    }

    private static object?[] ReadImage(ref SpanReader r, ColumnInfo[] columns, bool[] present, int? partialJson)
    {
        var count = present.Count(p => p);
        var nulls = Bits(r.ReadBytes((count + 7) / 8), count);
        var values = new object?[columns.Length];
        var k = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            if (!present[i]) continue;
            if (!nulls[k++])
            {
                values[i] = partialJson is not null && columns[i].Type == ColumnType.Json
                    ? CellDecoder.ReadJsonDiff(ref r, columns[i])
                    : CellDecoder.Read(ref r, columns[i]);
            }
        }
        return values;
    }

    private static bool[] Bits(ReadOnlySpan<byte> bytes, int n)
    {
        var b = new bool[n];
        for (var i = 0; i < n; i++) b[i] = (bytes[i / 8] & (1 << (i % 8))) != 0;
        return b;
    }
}
