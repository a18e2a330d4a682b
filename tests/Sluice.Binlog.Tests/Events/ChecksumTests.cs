using System.Buffers.Binary;
using Sluice.Binlog.Events;
using Sluice.Binlog.Files;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>CRC32 verification and tolerance of ignorable unknown events.</summary>
public class ChecksumTests
{
    [FixtureFact]
    public void Flipped_byte_in_an_event_body_fails_the_crc_naming_type_and_position()
    {
        var key = "mysql-binlog-connector-java/mysql-bin.checksum-crc32";
        var bytes = BinlogFixtures.FileBytes(key);
        var manifest = BinlogFixtures.Manifest(key);
        var target = manifest.GetProperty("events").EnumerateArray().First(e => e.GetProperty("type_code").GetInt32() == 19);
        var offset = target.GetProperty("offset").GetInt32();
        bytes[offset + EventHeader.Size + 3] ^= 0x40;

        using var reader = new BinlogFileReader(new MemoryStream(bytes));
        var ex = Assert.Throws<BinlogChecksumException>(() => reader.ReadEvents().ToList());
        Assert.IsAssignableFrom<BinlogFormatException>(ex);
        Assert.Equal(BinlogEventType.TableMap, ex.EventType);
        Assert.Equal(offset, ex.Position);
        Assert.Equal(target.GetProperty("log_pos").GetUInt32(), ex.LogPosition);
        Assert.Contains($"TableMap (19) event at position {offset}", ex.Message);
        Assert.NotEqual(ex.Expected, ex.Actual);
    }

    [FixtureFact]
    public void Stream_decoding_without_offsets_names_the_position_from_log_pos()
    {
        var bytes = BinlogFixtures.FileBytes("mysql-binlog-connector-java/mysql-bin.checksum-crc32");
        var decoder = new EventDecoder();
        var offset = 4;
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 9));
        decoder.Decode(bytes.AsSpan(offset, size)); // FDE
        offset += size;
        size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 9));
        var ev = bytes.AsSpan(offset, size).ToArray();
        ev[^6] ^= 1;
        var ex = Assert.Throws<BinlogChecksumException>(() => decoder.Decode(ev));
        Assert.Equal(offset, ex.Position);
        Assert.Contains($"at position {offset}", ex.Message);
    }

    [FixtureFact]
    public void Flipped_byte_in_the_fde_fails_its_crc()
    {
        var bytes = BinlogFixtures.FileBytes("rust_mysql_common/binlog-invisible-columns.000001");
        bytes[4 + EventHeader.Size + 5] ^= 0x01; // inside the server version
        using var reader = new BinlogFileReader(new MemoryStream(bytes));
        var ex = Assert.Throws<BinlogChecksumException>(() => reader.ReadEvents().ToList());
        Assert.Equal(BinlogEventType.FormatDescription, ex.EventType);
        Assert.Equal(4, ex.Position);
    }

    [FixtureFact]
    public void Aurora_padding_event_type_100_is_skipped_as_ignorable()
    {
        var key = "mysql-binlog-connector-java/mysql-bin.aurora-padding";
        var expected = BinlogFixtures.ExpectedDocument("mysql-binlog-connector-java").GetProperty("files").GetProperty("mysql-bin.aurora-padding").GetProperty("expected");
        using var reader = new BinlogFileReader(new MemoryStream(BinlogFixtures.FileBytes(key)));
        var events = reader.ReadEvents().ToList();
        Assert.Equal(expected.GetProperty("event_count").GetInt32(), events.Count);
        Assert.Equal(expected.GetProperty("event_types_in_order").EnumerateArray().Select(x => x.GetInt32()), events.Select(e => (int)e.Event.Header.EventType));
        var unknown = expected.GetProperty("unknown_event");
        var padding = events.Single(e => e.Offset == unknown.GetProperty("offset").GetInt64());
        var ev = Assert.IsType<UnknownEvent>(padding.Event);
        Assert.Equal(unknown.GetProperty("type_code").GetInt32(), ev.TypeCode);
        Assert.Equal(unknown.GetProperty("event_size").GetUInt32(), ev.Header.EventSize);
        Assert.True(ev.Header.IsIgnorable);
        Assert.Equal((int)ev.Header.EventSize - EventHeader.Size - 4, ev.Body.Length);
        Assert.Equal("BEGIN", Assert.IsType<QueryEvent>(events[^1].Event).Sql);
    }

    [FixtureFact]
    public void Unknown_event_type_without_the_ignorable_flag_is_an_error()
    {
        var bytes = BinlogFixtures.FileBytes("mysql-binlog-connector-java/mysql-bin.aurora-padding");
        const int offset = 281;
        Assert.Equal(100, bytes[offset + 4]);
        bytes[offset + 17] = 0; // clear LOG_EVENT_IGNORABLE_F ...
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 9));
        var crc = System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(offset, size - 4)); // ... and keep the CRC valid
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset + size - 4), crc);
        using var reader = new BinlogFileReader(new MemoryStream(bytes));
        var ex = Assert.Throws<BinlogFormatException>(() => reader.ReadEvents().ToList());
        Assert.Contains("unknown event type 100", ex.Message);
        Assert.Contains($"at position {offset}", ex.Message);
    }

    [FixtureFact]
    public void Events_before_the_fde_are_checksum_detected_when_no_algorithm_is_configured()
    {
        // A replication stream starts with an artificial ROTATE (log_pos 0) before the FDE.
        var bytes = BinlogFixtures.FileBytes("rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001");
        using var reader = new BinlogFileReader(new MemoryStream(bytes));
        var rotate = reader.ReadEvents().Select(e => e.Event).OfType<RotateEvent>().Single();
        var manifest = BinlogFixtures.Manifest("rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001");
        var rotateOffset = manifest.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type_code").GetInt32() == 4).GetProperty("offset").GetInt32();
        var rotateBytes = bytes.AsSpan(rotateOffset, (int)rotate.Header.EventSize).ToArray();

        var fresh = new EventDecoder();
        var decoded = Assert.IsType<RotateEvent>(fresh.Decode(rotateBytes));
        Assert.Equal(rotate.NextFileName, decoded.NextFileName);
        Assert.Equal(rotate.Position, decoded.Position);
    }
}
