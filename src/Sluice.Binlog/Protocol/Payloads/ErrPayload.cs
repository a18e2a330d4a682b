namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>An ERR payload (header 0xFF): error code, SQLSTATE and message.</summary>
public sealed record ErrPayload(ushort ErrorCode, string SqlState, string Message)
{
    public static bool IsErr(ReadOnlySpan<byte> payload) => payload.Length > 0 && payload[0] == 0xFF;

    public static ErrPayload Parse(ReadOnlySpan<byte> payload, CapabilityFlags capabilities = CapabilityFlags.Protocol41)
    {
        var reader = new SpanReader(payload);
        var header = reader.ReadByte();
        if (header != 0xFF) throw new BinlogFormatException($"not an ERR payload: header byte 0x{header:x2}");
        var code = reader.ReadUInt16();
        var state = "HY000";
        // The SQLSTATE marker is optional (absent before the handshake completes on some servers).
        if ((capabilities & CapabilityFlags.Protocol41) != 0 && reader.Remaining >= 6 && reader.PeekByte() == (byte)'#')
        {
            reader.Skip(1);
            state = reader.ReadString(5);
        }
        return new ErrPayload(code, state, HandshakeV10.Utf8(reader.ReadRemaining()));
    }
}
