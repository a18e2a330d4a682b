using System.Text.Json;
using Sluice.Binlog.Events;
using Sluice.Binlog.Files;
using Sluice.Binlog.Tests.Events;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Files;

/// <summary>
/// Every recorded binlog file of the shared fixtures decoded end to end (every CRC32 verified by the decoder) and
/// compared with its folder's MANIFEST.json: event count, offsets, types, sizes, log_pos, flags, TABLE_MAPs and the
/// inner events of TRANSACTION_PAYLOADs.
/// </summary>
public class BinlogFileReaderTests
{
    public static TheoryData<string> Files => BinlogFixtures.FileKeys();

    [FixtureTheory]
    [MemberData(nameof(Files))]
    public void Decodes_every_event_of_recorded_file_as_in_manifest(string fileKey)
    {
        var manifest = BinlogFixtures.Manifest(fileKey);
        using var reader = new BinlogFileReader(new MemoryStream(BinlogFixtures.FileBytes(fileKey)));
        var events = reader.ReadEvents().ToList();
        CheckAgainstManifest(manifest, events, reader.Decoder);
    }

    [FixtureTheory]
    [MemberData(nameof(Files))]
    public async Task Async_reader_yields_the_same_events(string fileKey)
    {
        var bytes = BinlogFixtures.FileBytes(fileKey);
        using var syncReader = new BinlogFileReader(new MemoryStream(bytes));
        var expected = syncReader.ReadEvents().Select(e => (e.Offset, e.Event.Header)).ToList();
        await using var reader = new BinlogFileReader(new MemoryStream(bytes));
        var actual = new List<(long, EventHeader)>();
        await foreach (var e in reader.ReadEventsAsync()) actual.Add((e.Offset, e.Event.Header));
        Assert.Equal(expected, actual);
    }

    internal static void CheckAgainstManifest(JsonElement manifest, List<BinlogFileEvent> events, EventDecoder decoder)
    {
        var expected = manifest.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(manifest.GetProperty("event_count").GetInt32(), events.Count);
        Assert.Equal(expected.Count, events.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var exp = expected[i];
            var (offset, ev) = events[i];
            var h = ev.Header;
            Assert.Equal(exp.GetProperty("offset").GetInt64(), offset);
            Assert.Equal(exp.GetProperty("type_code").GetInt32(), (int)h.EventType);
            Assert.Equal(exp.GetProperty("event_size").GetUInt32(), h.EventSize);
            Assert.Equal(exp.GetProperty("log_pos").GetUInt32(), h.NextPosition);
            Assert.Equal(exp.GetProperty("flags").GetInt32(), h.Flags);
            Assert.Equal(exp.GetProperty("server_id").GetUInt32(), h.ServerId);
            Assert.Equal(exp.GetProperty("timestamp").GetUInt32(), h.Timestamp);
            if (!Enum.IsDefined(h.EventType)) Assert.IsType<UnknownEvent>(ev);
            else Assert.IsNotType<UnknownEvent>(ev);

            if (exp.Has("inner_events", out var inner))
            {
                var payload = Assert.IsType<TransactionPayloadEvent>(ev);
                var innerExp = inner.EnumerateArray().ToList();
                Assert.Equal(innerExp.Count, payload.Events.Count);
                var innerOffset = 0L;
                for (var k = 0; k < innerExp.Count; k++)
                {
                    Assert.Equal(innerExp[k].GetProperty("offset").GetInt64(), innerOffset);
                    Assert.Equal(innerExp[k].GetProperty("type_code").GetInt32(), (int)payload.Events[k].Header.EventType);
                    Assert.Equal(innerExp[k].GetProperty("event_size").GetUInt32(), payload.Events[k].Header.EventSize);
                    innerOffset += payload.Events[k].Header.EventSize;
                }
                var fields = exp.GetProperty("payload_fields");
                Assert.Equal(fields.GetProperty("compression_type").GetInt32(), (int)payload.Compression);
                Assert.Equal(fields.GetProperty("payload_size").GetUInt64(), payload.PayloadSize);
                Assert.Equal(fields.GetProperty("uncompressed_size").GetUInt64(), payload.UncompressedSize);
            }
        }

        var fde = Assert.IsType<FormatDescriptionEvent>(events[0].Event);
        Assert.Equal(manifest.GetProperty("server_version").GetString(), fde.ServerVersion);
        Assert.Equal(manifest.GetProperty("binlog_version").GetInt32(), fde.BinlogVersion);
        var alg = manifest.GetProperty("fde_checksum_alg_byte");
        Assert.Equal(alg.ValueKind == JsonValueKind.Number ? (BinlogChecksumAlgorithm)alg.GetInt32() : BinlogChecksumAlgorithm.None, fde.ChecksumAlgorithm);
        Assert.Same(fde, decoder.FormatDescription);

        if (manifest.Has("table_maps_collector_decoded", out var tableMaps))
        {
            foreach (var exp in tableMaps.EnumerateArray())
            {
                var tm = Assert.IsType<TableMapEvent>(events.Single(e => e.Offset == exp.GetProperty("offset").GetInt64()).Event);
                Assert.Equal(exp.GetProperty("table_id").GetUInt64(), tm.TableId);
                Assert.Equal(exp.GetProperty("flags").GetInt32(), tm.Flags);
                Assert.Equal(exp.GetProperty("schema").GetString(), tm.Schema);
                Assert.Equal(exp.GetProperty("table").GetString(), tm.Table);
                Assert.Equal(exp.GetProperty("column_types").EnumerateArray().Select(x => x.GetInt32()), tm.ColumnTypes.Select(t => (int)t));
                Assert.Equal(exp.GetProperty("nullable").EnumerateArray().Select(x => x.GetBoolean()), tm.Nullable);
                if (exp.Has("column_names", out var names))
                    Assert.Equal(names.EnumerateArray().Select(x => x.GetString()), tm.Columns.Select(c => c.Name));
                if (exp.Has("primary_key", out var pk))
                    Assert.Equal(pk.EnumerateArray().Select(x => x.GetInt32()), tm.OptionalMetadata.PrimaryKey!.Select(p => p.ColumnIndex));
                if (exp.Has("primary_key_prefix", out var prefix))
                    Assert.Equal(prefix.EnumerateArray().Select(x => x.GetInt32()), tm.OptionalMetadata.PrimaryKey!.Select(p => p.PrefixLength));
                if (exp.Has("visible", out var visible))
                    Assert.Equal(visible.EnumerateArray().Select(x => x.GetBoolean()), tm.Columns.Select(c => c.IsVisible));
                if (exp.Has("enum_str_values", out var enums))
                    Assert.Equal(enums.EnumerateArray().Select(l => l.EnumerateArray().Select(x => x.GetString()!).ToList()), tm.OptionalMetadata.EnumStrValues!.Select(l => l.ToList()));
                if (exp.Has("set_str_values", out var sets))
                    Assert.Equal(sets.EnumerateArray().Select(l => l.EnumerateArray().Select(x => x.GetString()!).ToList()), tm.OptionalMetadata.SetStrValues!.Select(l => l.ToList()));
                var hasOptional = exp.Has("optional_metadata_raw_hex", out var raw) && raw.EnumerateObject().Any();
                Assert.Equal(hasOptional, tm.OptionalMetadata != new TableMapOptionalMetadata());
            }
        }

        // Rows events always find their TABLE_MAP, and every row image holds exactly the columns announced.
        foreach (var rows in events.Select(e => e.Event).OfType<RowsEvent>())
        {
            Assert.NotNull(rows.Table);
            Assert.Equal(rows.Table.ColumnCount, rows.ColumnCount);
        }
    }

    [FixtureFact]
    public void Gzipped_file_read_raw_is_not_a_binlog()
    {
        var path = Path.Combine(BinlogFixtures.Root, "files", "mysql-binlog-connector-java", "mysql-bin.sakila.gz");
        using var reader = BinlogFileReader.Open(path);
        var ex = Assert.Throws<BinlogFormatException>(() => reader.ReadEvents().ToList());
        Assert.Contains("not a valid binary log", ex.Message);
    }

    [FixtureFact]
    public void Truncated_file_names_the_offset_of_the_incomplete_event()
    {
        var bytes = BinlogFixtures.FileBytes("mysql-binlog-connector-java/mysql-bin.checksum-crc32");
        using var reader = new BinlogFileReader(new MemoryStream(bytes[..^10]));
        var ex = Assert.Throws<BinlogFormatException>(() => reader.ReadEvents().ToList());
        Assert.Matches(@"truncated event at offset \d+", ex.Message);
    }

    [Fact]
    public void Empty_binlog_after_the_magic_yields_no_events()
    {
        using var reader = new BinlogFileReader(new MemoryStream([0xFE, (byte)'b', (byte)'i', (byte)'n']));
        Assert.Empty(reader.ReadEvents());
    }
}
