namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>The client's answer to the greeting (Protocol::HandshakeResponse41).</summary>
/// <param name="ConnectAttributes">Sent in this order when <see cref="CapabilityFlags.ConnectAttrs"/> is set.</param>
public sealed record HandshakeResponse41(
    CapabilityFlags ClientFlags,
    uint MaxPacketSize,
    byte CharacterSet,
    string UserName,
    byte[] AuthResponse,
    string? Database,
    string? AuthPluginName,
    IReadOnlyList<KeyValuePair<string, string>>? ConnectAttributes = null)
{
    public byte[] ToPayload()
    {
        var w = new PayloadWriter();
        SslRequest.WriteFixedPart(w, ClientFlags, MaxPacketSize, CharacterSet);
        w.WriteNullTerminatedString(UserName);
        if ((ClientFlags & CapabilityFlags.PluginAuthLenencClientData) != 0)
        {
            w.WriteLengthEncodedBytes(AuthResponse);
        }
        else if ((ClientFlags & CapabilityFlags.SecureConnection) != 0)
        {
            if (AuthResponse.Length > 255) throw new ArgumentException("auth response longer than 255 bytes needs PluginAuthLenencClientData");
            w.WriteByte((byte)AuthResponse.Length).WriteBytes(AuthResponse);
        }
        else
        {
            w.WriteBytes(AuthResponse).WriteByte(0);
        }
        if ((ClientFlags & CapabilityFlags.ConnectWithDb) != 0) w.WriteNullTerminatedString(Database ?? "");
        if ((ClientFlags & CapabilityFlags.PluginAuth) != 0) w.WriteNullTerminatedString(AuthPluginName ?? "");
        if ((ClientFlags & CapabilityFlags.ConnectAttrs) != 0)
        {
            var attrs = new PayloadWriter();
            foreach (var (key, value) in ConnectAttributes ?? [])
            {
                attrs.WriteLengthEncodedString(key);
                attrs.WriteLengthEncodedString(value);
            }
            w.WriteLengthEncodedBytes(attrs.WrittenSpan);
        }
        return w.ToArray();
    }

    // The auth response is a secret-derived value: keep it out of logs.
    public override string ToString() =>
        $"HandshakeResponse41 {{ Flags = 0x{(uint)ClientFlags:x8}, User = {UserName}, Database = {Database}, Plugin = {AuthPluginName} }}";
}
