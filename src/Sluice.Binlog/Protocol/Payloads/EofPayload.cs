namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>An EOF payload (header 0xFE, shorter than 9 bytes): warnings and server status.</summary>
public sealed record EofPayload(ushort Warnings, ServerStatusFlags StatusFlags)
{
    /// <summary>0xFE starts an EOF only in a payload shorter than 9 bytes (else it is an 8-byte length prefix).</summary>
    public static bool IsEof(ReadOnlySpan<byte> payload) => payload.Length is > 0 and < 9 && payload[0] == 0xFE;

    public static EofPayload Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SpanReader(payload);
        var header = reader.ReadByte();
        if (header != 0xFE) throw new BinlogFormatException($"not an EOF payload: header byte 0x{header:x2}");
        if (reader.Remaining < 4) return new EofPayload(0, ServerStatusFlags.None); // pre-4.1 EOF
        var warnings = reader.ReadUInt16();
        return new EofPayload(warnings, (ServerStatusFlags)reader.ReadUInt16());
    }
}
