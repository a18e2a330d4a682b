using Sluice.Binlog.Events;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Protocol.Payloads;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Protocol;

/// <summary>The packets of a binlog stream (vectors/MySqlCdc.json, group binlog_stream_packets).</summary>
public sealed class BinlogStreamPacketVectorTests
{
    private const string File = "MySqlCdc.json";
    private const string Group = "binlog_stream_packets";

    [FixtureFact]
    public void Eof_ends_the_stream()
    {
        var v = ProtocolVectors.Require(File, Group, "eof");
        var bytes = v.Hex("hex");
        Assert.Equal(BinlogStreamPacketKind.EndOfStream, BinlogStreamPacket.Classify(bytes));
        var eof = EofPayload.Parse(bytes);
        Assert.Equal(v.GetProperty("expected").GetProperty("warning_count").GetInt32(), eof.Warnings);
        Assert.Equal(v.GetProperty("expected").GetProperty("server_status").GetInt32(), (int)eof.StatusFlags);
    }

    [FixtureFact]
    public void Err_1236_is_a_typed_position_error()
    {
        var v = ProtocolVectors.Require(File, Group, "err_1236");
        var e = v.GetProperty("expected");
        var bytes = v.Hex("hex");
        Assert.Equal(BinlogStreamPacketKind.Error, BinlogStreamPacket.Classify(bytes));
        var err = ErrPayload.Parse(bytes);
        Assert.Equal(e.GetProperty("error_code").GetInt32(), err.ErrorCode);
        Assert.Equal(e.Str("sql_state"), err.SqlState);
        Assert.Equal(e.Str("message"), err.Message);
        var ex = Assert.IsType<BinlogPositionUnavailableException>(BinlogServerException.Create(err));
        Assert.Equal(1236, ex.ErrorCode);
        Assert.Contains(e.Str("message"), ex.Message);
        Assert.Contains("Hint:", ex.Message);
    }

    [FixtureFact]
    public void Artificial_rotate_event_follows_the_status_byte()
    {
        var v = ProtocolVectors.Require(File, Group, "event_rotate_crc32");
        var e = v.GetProperty("expected");
        var bytes = v.Hex("hex");
        Assert.Equal(BinlogStreamPacketKind.Event, BinlogStreamPacket.Classify(bytes));
        var evt = BinlogStreamPacket.EventBytes(bytes);
        var reader = new SpanReader(evt);
        reader.ReadUInt32(); // timestamp
        Assert.Equal(e.GetProperty("type_code").GetInt32(), reader.ReadByte());
        reader.ReadUInt32(); // server id
        Assert.Equal(evt.Length, (int)reader.ReadUInt32());
        Assert.Equal(0u, reader.ReadUInt32()); // log_pos 0: artificial
        Assert.Equal(EventHeader.ArtificialFlag, reader.ReadUInt16());
        Assert.Equal(e.GetProperty("rotate_position").GetUInt64(), reader.ReadUInt64());
        Assert.Equal(e.Str("rotate_filename"), System.Text.Encoding.UTF8.GetString(reader.RemainingSpan[..^4]));
    }

    [FixtureFact]
    public void Unknown_status_byte_is_a_format_error()
    {
        var v = ProtocolVectors.Require(File, Group, "unknown_status_0xfd");
        var ex = Assert.Throws<BinlogFormatException>(() => BinlogStreamPacket.Classify(v.Hex("hex")));
        Assert.Contains("0xfd", ex.Message);
    }
}
