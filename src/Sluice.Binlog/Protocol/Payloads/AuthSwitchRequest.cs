namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>The server asks the client to authenticate with another plugin (header 0xFE after the handshake response).</summary>
/// <param name="PluginData">The plugin's data (for native/caching_sha2 the new 20-byte nonce, trailing NUL removed).</param>
public sealed record AuthSwitchRequest(string PluginName, byte[] PluginData)
{
    public static AuthSwitchRequest Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SpanReader(payload);
        var header = reader.ReadByte();
        if (header != 0xFE) throw new BinlogFormatException($"not an AuthSwitchRequest: header byte 0x{header:x2}");
        if (reader.IsAtEnd) return new AuthSwitchRequest("mysql_old_password", []); // old-style switch request
        var name = reader.ReadNullTerminatedString();
        var data = reader.ReadRemaining();
        if (data.Length > 0 && data[^1] == 0) data = data[..^1];
        return new AuthSwitchRequest(name, data.ToArray());
    }
}
