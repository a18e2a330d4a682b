using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Binlog.Events;
using Sluice.Binlog.Files;
using Sluice.Binlog.Gtid;
using Sluice.Binlog.Tests.Events;
using Sluice.Binlog.Values;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Files;

/// <summary>Row values and event fields of the recorded files compared with each folder's EXPECTED.json.</summary>
public class RecordedFileValueTests
{
    private static List<BinlogFileEvent> Read(string fileKey)
    {
        using var reader = new BinlogFileReader(new MemoryStream(BinlogFixtures.FileBytes(fileKey)));
        return reader.ReadEvents().ToList();
    }

    private static BinlogEvent At(List<BinlogFileEvent> events, JsonElement row) =>
        events.Single(e => e.Offset == row.GetProperty("offset").GetInt64()).Event;

    [FixtureFact]
    public void MySqlCdc_sample_rows()
    {
        var expected = BinlogFixtures.ExpectedDocument("MySqlCdc");
        var events = Read("MySqlCdc/mysql-bin.000001");
        foreach (var row in expected.GetProperty("rows").EnumerateArray())
        {
            var write = Assert.IsType<WriteRowsEvent>(At(events, row));
            var image = Assert.Single(write.Rows);
            var cells = row.GetProperty("after").EnumerateArray().ToList();
            Assert.Equal(cells.Count, image.ColumnCount);
            for (var i = 0; i < cells.Count; i++) AssertExpectedCell(cells[i], image[i], $"column {i + 1}");
        }
    }

    [FixtureFact]
    public void Sakila_has_the_expected_event_count()
    {
        var expected = BinlogFixtures.ExpectedDocument("mysql-binlog-connector-java").GetProperty("files").GetProperty("mysql-bin.sakila.gz").GetProperty("expected");
        var events = Read("mysql-binlog-connector-java/mysql-bin.sakila.gz");
        Assert.Equal(expected.GetProperty("event_count").GetInt32(), events.Count);
        Assert.All(events.Select(e => e.Event).OfType<RowsEvent>(), r => Assert.Equal(1, r.Version));
        Assert.Contains(events, e => e.Event is WriteRowsEvent { Rows.Count: > 0 });
    }

    [FixtureFact]
    public void Compressed_transaction_update_of_demo_movies()
    {
        var expected = BinlogFixtures.ExpectedDocument("mysql-binlog-connector-java").GetProperty("files").GetProperty("mysql-bin.compressed").GetProperty("expected");
        var events = Read("mysql-binlog-connector-java/mysql-bin.compressed");
        Assert.Equal(expected.GetProperty("event_count").GetInt32(), events.Count);
        var payload = Assert.IsType<TransactionPayloadEvent>(events.Single(e => e.Offset == expected.GetProperty("transaction_payload_event_offset").GetInt64()).Event);
        var table = Assert.IsType<TableMapEvent>(payload.Events[1]);
        Assert.Equal(("demo", "movies", 84UL), (table.Schema, table.Table, table.TableId));
        var update = Assert.Single(Assert.IsType<UpdateRowsEvent>(payload.Events[2]).Rows);
        Assert.Equal("Western", update.Before[4]);
        Assert.Equal("Western|Action", update.After[4]);
        Assert.Equal(31UL, Assert.IsType<XidEvent>(payload.Events[3]).Xid);
    }

    [FixtureFact]
    public void Json_opaque_values()
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", "json-opaque.binlog")!.Value;
        var events = Read("rust_mysql_common/json-opaque.binlog");
        foreach (var row in expected.GetProperty("rows").EnumerateArray())
        {
            var write = Assert.IsType<WriteRowsEvent>(At(events, row));
            var json = Assert.IsType<MySqlJson>(write.Rows[0][0]);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(row.GetProperty("json").GetRawText()), JsonNode.Parse(json.Text)),
                $"expected {row.GetProperty("json").GetRawText()}, got {json.Text}");
        }
    }

    [FixtureFact]
    public void Vector_columns_and_dimensionality()
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", "vector.binlog")!.Value;
        var events = Read("rust_mysql_common/vector.binlog");
        var maps = events.Select(e => e.Event).OfType<TableMapEvent>().ToList();
        foreach (var t in expected.GetProperty("table_map_optional_metadata").EnumerateObject())
        {
            var tm = maps.First(m => m.Table == t.Name);
            var dims = t.Value.GetProperty("VECTOR_DIMENSIONALITY").EnumerateArray().Select(x => x.GetInt32()).ToList();
            Assert.Equal(dims, tm.OptionalMetadata.VectorDimensionality!);
            Assert.Equal(dims, tm.Columns.Where(c => c.Type == ColumnType.Vector).Select(c => c.VectorDimensions!.Value));
        }
        foreach (var row in expected.GetProperty("rows").EnumerateArray())
        {
            var write = Assert.IsType<WriteRowsEvent>(At(events, row));
            var image = write.Rows[row.GetProperty("row").GetInt32()];
            var after = row.GetProperty("after");
            Assert.Equal(after.GetProperty("id").GetInt64(), Convert.ToInt64(image[0], CultureInfo.InvariantCulture));
            var vector = Assert.IsType<float[]>(image[1]);
            Assert.Equal(after.GetProperty("vector_column_bytes").EnumerateArray().Select(x => (byte)x.GetInt32()), MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());
        }
    }

    [FixtureFact]
    public void Char_varchar_enum_set_text_rows()
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", "mysql-enum-string-set.000001")!.Value;
        var events = Read("rust_mysql_common/mysql-enum-string-set.000001");
        foreach (var row in expected.GetProperty("rows").EnumerateArray())
        {
            var ev = At(events, row);
            RowImage? before = null, after = null;
            switch (ev)
            {
                case WriteRowsEvent w: after = w.Rows[0]; break;
                case DeleteRowsEvent d: before = d.Rows[0]; break;
                case UpdateRowsEvent u: (before, after) = (u.Rows[0].Before, u.Rows[0].After); break;
            }
            if (row.Has("before", out var b)) AssertImage(b, before!);
            if (row.Has("after", out var a)) AssertImage(a, after!);
        }
    }

    [FixtureFact]
    public void Bit_columns()
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", "mysql_type_bit.000001")!.Value;
        var events = Read("rust_mysql_common/mysql_type_bit.000001");
        foreach (var row in expected.GetProperty("rows").EnumerateArray())
        {
            var write = Assert.IsType<WriteRowsEvent>(At(events, row));
            Assert.NotEmpty(write.Rows);
            foreach (var image in write.Rows) AssertImage(row.GetProperty("after"), image);
        }
    }

    [FixtureFact]
    public void Minimal_row_metadata_partial_image_and_unsigned_int()
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", "minimal_row_metadata.000001")!.Value;
        var events = Read("rust_mysql_common/minimal_row_metadata.000001");
        foreach (var row in expected.GetProperty("rows").EnumerateArray())
        {
            var write = Assert.IsType<WriteRowsEvent>(At(events, row));
            var image = Assert.Single(write.Rows);
            Assert.Equal([0, 2, 4], image.PresentColumns);
            Assert.False(image.IsPresent(1));
            Assert.False(image.IsNull(1));
            foreach (var c in row.GetProperty("columns").EnumerateObject())
            {
                var index = int.Parse(c.Name[1..], CultureInfo.InvariantCulture);
                if (c.Value.Has("charset_collation_id", out var coll)) Assert.Equal(coll.GetInt32(), write.Table!.Columns[index].CollationId);
                if (c.Value.Has("value", out var value)) Assert.Equal(value.GetUInt64(), Assert.IsType<ulong>(image[index]));
            }
        }
    }

    [FixtureFact]
    public void Time2_beyond_24_hours()
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", "time_issue.000001")!.Value;
        var events = Read("rust_mysql_common/time_issue.000001");
        foreach (var row in expected.GetProperty("rows").EnumerateArray())
        {
            var write = Assert.IsType<WriteRowsEvent>(At(events, row));
            var time = write.Rows[0].PresentColumns.Select(i => write.Rows[0][i]).OfType<MySqlTime>().Single();
            var exp = row.GetProperty("after_all_columns");
            Assert.Equal(exp.GetProperty("as_string").GetString(), time.ToString());
            Assert.Equal(exp.GetProperty("time").GetProperty("negative").GetBoolean(), time.Negative);
        }
    }

    [FixtureFact]
    public void Transaction_compression_inner_events()
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", "transaction_compression.000001")!.Value.GetProperty("transaction_payload");
        var events = Read("rust_mysql_common/transaction_compression.000001");
        var payload = Assert.IsType<TransactionPayloadEvent>(events[expected.GetProperty("event_index").GetInt32() - 1].Event);
        Assert.Equal(TransactionCompression.Zstd, payload.Compression);
        Assert.Equal(expected.GetProperty("inner_event_types_in_order").EnumerateArray().Select(x => x.GetString()),
            payload.Events.Select(e => TransactionPayloadVectorTests.ManifestName(e.Header.EventType)));
    }

    [FixtureTheory]
    [InlineData("binlog_transaction_with_GTID_TAG.000001")]
    [InlineData("binlog_transaction_previous_GTID_no_tag.000001")]
    public void Previous_gtids_and_tagged_gtid(string file)
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", file)!.Value;
        var events = Read("rust_mysql_common/" + file).Select(e => e.Event).ToList();
        var previous = events.OfType<PreviousGtidsEvent>().Single();
        var set = new MySqlGtidSet();
        foreach (var p in expected.GetProperty("previous_gtids").EnumerateArray())
        {
            foreach (var iv in p.GetProperty("intervals_half_open").EnumerateArray())
            {
                var tag = p.GetProperty("tag");
                set.AddInterval(Guid.Parse(p.GetProperty("uuid").GetString()!), tag.IsNull() ? null : tag.GetString(), iv[0].GetInt64(), iv[1].GetInt64() - 1);
            }
        }
        Assert.Equal(set, previous.GtidSet);

        if (expected.Has("gtid_tagged_log_event", out var tagged))
        {
            var gtid = events.OfType<GtidEvent>().Single();
            Assert.Equal(BinlogEventType.GtidTagged, gtid.Header.EventType);
            Assert.Equal(Guid.Parse(tagged.GetProperty("uuid").GetString()!), gtid.SourceId);
            Assert.Equal(tagged.GetProperty("tag").GetString(), gtid.Tag);
            Assert.Equal(tagged.GetProperty("gno").GetInt64(), gtid.Gno);
            Assert.Equal($"{tagged.GetProperty("uuid").GetString()}:{tagged.GetProperty("tag").GetString()}:{tagged.GetProperty("gno").GetInt64()}", gtid.Gtid.ToString());
            Assert.Equal(0, gtid.LastCommitted);
            Assert.Equal(1, gtid.SequenceNumber);
            Assert.NotNull(gtid.ImmediateCommitTimestamp);
            Assert.Equal(gtid.ImmediateCommitTimestamp, gtid.OriginalCommitTimestamp);
            Assert.Equal(90600u, gtid.ImmediateServerVersion); // the FDE says 9.6.0
            // transaction_length spans the GTID event through the XID.
            var fromGtid = events.SkipWhile(e => e is not GtidEvent).TakeWhile(e => e is not RotateEvent).Sum(e => e.Header.EventSize);
            Assert.Equal((ulong)fromGtid, gtid.TransactionLength);
        }
    }

    [FixtureFact]
    public void MariaDb_gtid_events_full_metadata_and_rows()
    {
        var expected = BinlogFixtures.Expected("rust_mysql_common", "mariadb-bin.000001")!.Value;
        var events = Read("rust_mysql_common/mariadb-bin.000001");
        var all = events.Select(e => e.Event).ToList();
        Assert.Single(all.OfType<MariaDbGtidListEvent>());
        Assert.NotEmpty(all.OfType<MariaDbBinlogCheckpointEvent>());
        Assert.All(all.OfType<MariaDbGtidEvent>(), g => Assert.Equal(g.Header.ServerId, g.Gtid.ServerId));

        var meta = expected.GetProperty("table_map_full_metadata");
        var tm = all.OfType<TableMapEvent>().First();
        Assert.Equal(meta.GetProperty("schema").GetString(), tm.Schema);
        Assert.Equal(meta.GetProperty("table").GetString(), tm.Table);
        Assert.Equal(meta.GetProperty("column_names").EnumerateArray().Select(x => x.GetString()), tm.Columns.Select(c => c.Name));
        Assert.Equal(meta.GetProperty("primary_key_flag").EnumerateArray().Select(x => x.GetBoolean()), tm.Columns.Select(c => c.IsPrimaryKey));
        Assert.Equal(meta.GetProperty("charset_collation_ids").EnumerateArray().Select(x => x.GetInt32()), tm.Columns.Select(c => c.CollationId ?? 0));
        Assert.Equal(expected.GetProperty("enum_str_values_from_metadata").EnumerateArray().Select(l => l.EnumerateArray().Select(x => x.GetString()!).ToList()),
            tm.OptionalMetadata.EnumStrValues!.Select(l => l.ToList()));
        Assert.Equal(expected.GetProperty("annotate_rows_sql").GetString(), all.OfType<MariaDbAnnotateRowsEvent>().First().Sql);

        foreach (var row in expected.GetProperty("rows_collector_decoded").EnumerateArray())
        {
            var write = Assert.IsType<WriteRowsEvent>(At(events, row));
            Assert.Equal(1, write.Version);
            var image = Assert.Single(write.Rows);
            var after = row.GetProperty("after");
            Assert.Equal(after.GetProperty("id").GetInt64(), Convert.ToInt64(image[0], CultureInfo.InvariantCulture));
            Assert.Equal(after.GetProperty("topic").GetString(), image[1]);
            var en = Assert.IsType<MySqlEnum>(image[2]);
            Assert.Equal(after.GetProperty("event_type").GetProperty("enum_index").GetInt32(), en.Index);
            Assert.Equal(after.GetProperty("event_type").GetProperty("label").GetString(), en.Label);
            Assert.Equal(after.GetProperty("event_blob_utf8").GetString(), System.Text.Encoding.UTF8.GetString(Assert.IsType<byte[]>(image[3])));
            Assert.True(Assert.IsType<MySqlTimestamp>(image[4]).TryToDateTimeOffset(out var created));
            Assert.Equal(after.GetProperty("created_timestamp_utc").GetString(), created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }
    }

    private static void AssertImage(JsonElement cells, RowImage image)
    {
        var list = cells.EnumerateArray().ToList();
        for (var i = 0; i < list.Count; i++) AssertExpectedCell(list[i], image[i], $"column {i + 1}");
    }

    /// <summary>The EXPECTED.json cell shapes: plain numbers/strings or objects saying how to read the value.</summary>
    private static void AssertExpectedCell(JsonElement exp, object? actual, string what)
    {
        switch (exp.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.Null(actual);
                return;
            case JsonValueKind.Number:
                Assert.Equal(exp.GetRawText(), Convert.ToString(actual, CultureInfo.InvariantCulture));
                return;
            case JsonValueKind.String:
                Assert.Equal(exp.GetString(), actual switch
                {
                    MySqlDateTime dt => dt.ToString().Replace('T', ' '),
                    // Text of a file without row metadata stays bytes (no collation logged); these columns are utf8.
                    byte[] b when exp.GetString() != EventExpectations.Text(b) => System.Text.Encoding.UTF8.GetString(b),
                    _ => EventExpectations.Text(actual),
                });
                return;
        }
        if (exp.Has("float32", out var f32)) Assert.Equal(f32.GetSingle(), Assert.IsType<float>(actual));
        else if (exp.Has("float64", out var f64)) Assert.Equal(f64.GetDouble(), Assert.IsType<double>(actual));
        else if (exp.Has("json", out var json))
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json.GetRawText()), JsonNode.Parse(Assert.IsType<MySqlJson>(actual).Text)), what);
        else if (exp.Has("bits_msb_first", out var bits)) Assert.Equal(bits.GetString(), Assert.IsType<MySqlBit>(actual).ToString());
        else if (exp.Has("enum_index", out var ei))
        {
            var en = Assert.IsType<MySqlEnum>(actual);
            Assert.Equal(ei.GetInt32(), en.Index);
        }
        else if (exp.Has("set_bitmask", out var sb)) Assert.Equal(sb.GetUInt64(), Assert.IsType<MySqlSet>(actual).Bits);
        else if (exp.Has("utc", out var utc))
        {
            Assert.True(Assert.IsType<MySqlTimestamp>(actual).TryToDateTimeOffset(out var instant));
            Assert.Equal(utc.GetString(), instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture));
        }
        else if (exp.Has("hex", out var hex)) Assert.Equal(hex.GetString(), BytesHex(actual));
        else if (exp.Has("string", out var s)) Assert.Equal(s.GetString(), actual is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : actual);
        else if (exp.Has("bytes_hex", out var bh))
        {
            Assert.Equal(bh.GetString(), actual is MySqlBit bit ? bit.ToHex() : actual is MySqlSet set ? set.Bits.ToString("x2", CultureInfo.InvariantCulture) : BytesHex(actual));
        }
        else if (exp.Has("int", out var n))
        {
            Assert.Equal(n.GetInt64(), actual switch
            {
                MySqlEnum en => en.Index,
                MySqlSet set => (long)set.Bits,
                _ => Convert.ToInt64(actual, CultureInfo.InvariantCulture),
            });
        }
        else Assert.Fail($"{what}: unknown expectation {exp}");
    }

    /// <summary>Binary cells: bytes, or (no collation known, e.g. MySQL 5.7) a string holding them.</summary>
    private static string BytesHex(object? actual) => Convert.ToHexString(actual switch
    {
        byte[] b => b,
        string s => System.Text.Encoding.UTF8.GetBytes(s),
        _ => throw new InvalidOperationException($"not binary: {actual}"),
    }).ToLowerInvariant();
}
