namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>What a packet of the binlog stream (after COM_BINLOG_DUMP) holds.</summary>
public enum BinlogStreamPacketKind
{
    /// <summary>0x00 then one binlog event.</summary>
    Event,

    /// <summary>0xFE: the end of the binlog (only with <see cref="BinlogDumpFlags.NonBlock"/>).</summary>
    EndOfStream,

    /// <summary>0xFF: the server stopped the dump with an error.</summary>
    Error,
}

/// <summary>Classifies binlog-stream payloads.</summary>
public static class BinlogStreamPacket
{
    public static BinlogStreamPacketKind Classify(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty) throw new BinlogFormatException("empty packet in the binlog stream");
        return payload[0] switch
        {
            0x00 => BinlogStreamPacketKind.Event,
            0xFE when payload.Length < 9 => BinlogStreamPacketKind.EndOfStream,
            0xFF => BinlogStreamPacketKind.Error,
            var b => throw new BinlogFormatException($"unknown binlog stream status byte 0x{b:x2} (expected 0x00 event, 0xFE EOF or 0xFF error) in a {payload.Length}-byte packet"),
        };
    }

    /// <summary>The event bytes of an <see cref="BinlogStreamPacketKind.Event"/> packet (the payload without its 0x00).</summary>
    public static ReadOnlySpan<byte> EventBytes(ReadOnlySpan<byte> payload) =>
        Classify(payload) == BinlogStreamPacketKind.Event ? payload[1..] : throw new BinlogFormatException("not an event packet");
}
