namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>Extra authentication data from the server (header 0x01), e.g. caching_sha2_password's status or public key.</summary>
public sealed record AuthMoreData(byte[] Data)
{
    /// <summary>caching_sha2_password: the cached hash matched; an OK follows.</summary>
    public const byte FastAuthSuccess = 0x03;

    /// <summary>caching_sha2_password: the client must send the password (over TLS, or RSA-encrypted).</summary>
    public const byte PerformFullAuthentication = 0x04;

    public bool IsFastAuthSuccess => Data is [FastAuthSuccess];
    public bool IsPerformFullAuthentication => Data is [PerformFullAuthentication];

    public static AuthMoreData Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SpanReader(payload);
        var header = reader.ReadByte();
        if (header != 0x01) throw new BinlogFormatException($"not an AuthMoreData payload: header byte 0x{header:x2}");
        return new AuthMoreData(reader.ReadRemaining().ToArray());
    }
}
