using System.Buffers.Binary;
using System.IO.Compression;
using Sluice.Binlog.Events;
using Sluice.Binlog.Files;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>
/// MariaDB compressed events (log_bin_compress): QUERY_COMPRESSED (165) and *_ROWS_COMPRESSED (166-171). The
/// compressed parts are produced here with zlib from real uncompressed events of the MariaDB 10.5 fixture.
/// </summary>
public class MariaDbCompressedEventTests
{
    /// <summary>MariaDB's compressed payload: 0x80 | length-of-length, the length big-endian, then zlib.</summary>
    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        var lengthBytes = data.Length < 0x100 ? 1 : data.Length < 0x10000 ? 2 : data.Length < 0x1000000 ? 3 : 4;
        var result = new List<byte> { (byte)(0x80 | lengthBytes) };
        for (var i = lengthBytes - 1; i >= 0; i--) result.Add((byte)(data.Length >> (8 * i)));
        result.AddRange(ms.ToArray());
        return result.ToArray();
    }

    private static (EventDecoder Decoder, List<BinlogFileEvent> Events, byte[] Bytes) ReadMariaDb()
    {
        var bytes = BinlogFixtures.FileBytes("rust_mysql_common/mariadb-bin.000001");
        var decoder = new EventDecoder();
        using var reader = new BinlogFileReader(new MemoryStream(bytes), decoder);
        return (decoder, reader.ReadEvents().ToList(), bytes);
    }

    [FixtureFact]
    public void Compressed_write_rows_v1_decodes_like_the_uncompressed_event()
    {
        var (decoder, events, bytes) = ReadMariaDb();
        var original = events.First(e => e.Event is WriteRowsEvent);
        var write = (WriteRowsEvent)original.Event;
        var body = bytes.AsSpan((int)original.Offset + EventHeader.Size, (int)write.Header.EventSize - EventHeader.Size - 4);
        byte[] compressedBody = [.. body[..8], .. Compress(body[8..])]; // post-header (table id, flags) stays plain
        var header = write.Header with { EventType = BinlogEventType.MariaDbWriteRowsCompressedV1, EventSize = (uint)(EventHeader.Size + compressedBody.Length) };

        var ev = Assert.IsType<WriteRowsEvent>(decoder.DecodeBody(header, compressedBody));
        Assert.True(ev.WasCompressed);
        Assert.Equal(1, ev.Version);
        Assert.Equal(write.TableId, ev.TableId);
        Assert.Equal(write.Rows.Single().ToString(), ev.Rows.Single().ToString());
    }

    [FixtureFact]
    public void Compressed_write_rows_v2_layout_is_taken_from_the_fde_post_header_length()
    {
        var (decoder, events, bytes) = ReadMariaDb();
        Assert.Equal((byte)10, decoder.FormatDescription!.PostHeaderLength(BinlogEventType.MariaDbWriteRowsCompressed));
        var original = events.First(e => e.Event is WriteRowsEvent);
        var write = (WriteRowsEvent)original.Event;
        var body = bytes.AsSpan((int)original.Offset + EventHeader.Size, (int)write.Header.EventSize - EventHeader.Size - 4);
        byte[] compressedBody = [.. body[..8], 2, 0, .. Compress(body[8..])]; // v2: empty extra info
        var header = write.Header with { EventType = BinlogEventType.MariaDbWriteRowsCompressed, EventSize = (uint)(EventHeader.Size + compressedBody.Length) };

        var ev = Assert.IsType<WriteRowsEvent>(decoder.DecodeBody(header, compressedBody));
        Assert.True(ev.WasCompressed);
        Assert.Equal(2, ev.Version);
        Assert.Equal(write.Rows.Single().ToString(), ev.Rows.Single().ToString());
    }

    [Fact]
    public void Compressed_query_text_is_inflated()
    {
        const string sql = "INSERT INTO t VALUES ('compressed query text, compressed query text, compressed query text')";
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes(7u));         // thread id
        body.AddRange(BitConverter.GetBytes(0u));         // exec time
        body.Add(2);                                      // schema length
        body.AddRange([0, 0]);                            // error code
        body.AddRange([7, 0]);                            // status vars length
        body.AddRange([4, 33, 0, 33, 0, 8, 0]);           // Q_CHARSET_CODE utf8 / utf8 / latin1
        body.AddRange("db"u8.ToArray());
        body.Add(0);
        body.AddRange(Compress(System.Text.Encoding.UTF8.GetBytes(sql)));
        var header = new EventHeader(0, BinlogEventType.MariaDbQueryCompressed, 1, (uint)(EventHeader.Size + body.Count), 0, 0);

        var ev = Assert.IsType<QueryEvent>(new EventDecoder(flavor: BinlogFlavor.MariaDb).DecodeBody(header, body.ToArray()));
        Assert.True(ev.WasCompressed);
        Assert.Equal("db", ev.Schema);
        Assert.Equal(sql, ev.Sql);
        Assert.Equal((ushort)33, ev.StatusVariables.CharsetClient);
    }

    [Fact]
    public void Corrupt_compressed_payload_is_a_format_error()
    {
        byte[] body = [.. BitConverter.GetBytes(7u), .. BitConverter.GetBytes(0u), 0, 0, 0, 0, 0, 0, 0x81, 10, 1, 2, 3];
        var header = new EventHeader(0, BinlogEventType.MariaDbQueryCompressed, 1, (uint)(EventHeader.Size + body.Length), 500, 0);
        var ex = Assert.Throws<BinlogFormatException>(() => new EventDecoder().DecodeBody(header, body));
        Assert.Contains("MariaDbQueryCompressed (165) event", ex.Message);
    }

    [Fact]
    public void Start_encryption_is_refused_with_a_clear_message()
    {
        byte[] body = [1, .. BitConverter.GetBytes(1u), .. new byte[12]];
        var header = new EventHeader(0, BinlogEventType.MariaDbStartEncryption, 1, (uint)(EventHeader.Size + body.Length), 300, 0);
        var ex = Assert.Throws<BinlogFormatException>(() => new EventDecoder().DecodeBody(header, body));
        Assert.StartsWith("encrypted binlogs are not supported: ", ex.Message);
    }

    [Fact]
    public void Latin1_query_text_uses_the_client_charset()
    {
        var body = new List<byte>();
        body.AddRange(new byte[8]);
        body.Add(0);
        body.AddRange([0, 0]);
        body.AddRange([7, 0]);
        body.AddRange([4, 8, 0, 8, 0, 8, 0]); // latin1_swedish_ci
        body.Add(0);
        body.AddRange([(byte)'c', (byte)'a', (byte)'f', 0xE9]);
        var header = new EventHeader(0, BinlogEventType.Query, 1, (uint)(EventHeader.Size + body.Count), 0, 0);
        var ev = Assert.IsType<QueryEvent>(new EventDecoder().DecodeBody(header, body.ToArray()));
        Assert.Equal("café", ev.Sql);
        Assert.Equal("", ev.Schema);
    }

    [Fact]
    public void Binlog_event_length_mismatch_is_reported()
    {
        var header = new byte[EventHeader.Size + 8];
        header[4] = (byte)BinlogEventType.Xid;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(9), 99);
        var ex = Assert.Throws<BinlogFormatException>(() => new EventDecoder(BinlogChecksumAlgorithm.None).Decode(header));
        Assert.Contains("header event size 99 differs from the 27 bytes given", ex.Message);
    }
}
