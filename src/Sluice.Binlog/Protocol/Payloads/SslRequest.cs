namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>Protocol::SSLRequest: the first 32 bytes of a HandshakeResponse41, sent before the TLS handshake.</summary>
public sealed record SslRequest(CapabilityFlags ClientFlags, uint MaxPacketSize, byte CharacterSet)
{
    public byte[] ToPayload()
    {
        var w = new PayloadWriter(32);
        WriteFixedPart(w, ClientFlags, MaxPacketSize, CharacterSet);
        return w.ToArray();
    }

    internal static void WriteFixedPart(PayloadWriter w, CapabilityFlags flags, uint maxPacketSize, byte charset)
    {
        w.WriteUInt32((uint)flags).WriteUInt32(maxPacketSize).WriteByte(charset).WriteZeros(23);
    }
}
