using System.Text;

namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>The server greeting (Protocol::HandshakeV10), the first packet of every connection.</summary>
/// <param name="Scramble">The 20-byte auth nonce (auth-plugin-data part 1 and part 2 without its trailing NUL).</param>
/// <param name="AuthPluginName">The server's default auth plugin; null when the server does not send one.</param>
/// <param name="MariaDbExtendedCapabilities">MariaDB's extra capability bits (in the reserved bytes), 0 elsewhere.</param>
public sealed record HandshakeV10(
    byte ProtocolVersion,
    string ServerVersion,
    uint ConnectionId,
    byte[] Scramble,
    CapabilityFlags Capabilities,
    byte CharacterSet,
    ServerStatusFlags StatusFlags,
    int AuthPluginDataLength,
    string? AuthPluginName,
    uint MariaDbExtendedCapabilities)
{
    /// <summary>MariaDB 10+ prefixes its version with "5.5.5-" for old clients; this is the version without it.</summary>
    public string DisplayVersion => ServerVersion.StartsWith("5.5.5-", StringComparison.Ordinal) ? ServerVersion[6..] : ServerVersion;

    public bool IsMariaDb => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    public static HandshakeV10 Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SpanReader(payload);
        if (reader.IsAtEnd) throw new BinlogFormatException("empty server greeting");
        var first = reader.PeekByte();
        if (first == 0xFF)
        {
            // The server refused the connection before the handshake (too many connections, host blocked...).
            throw BinlogServerException.Create(ErrPayload.Parse(payload, CapabilityFlags.Protocol41), "connect");
        }
        var protocolVersion = reader.ReadByte();
        if (protocolVersion != 10)
            throw new BinlogFormatException($"unsupported handshake protocol version {protocolVersion} (only v10 is supported)");
        var serverVersion = reader.ReadNullTerminatedString();
        var connectionId = reader.ReadUInt32();
        var part1 = reader.ReadBytes(8);
        reader.Skip(1); // filler
        var capabilities = (CapabilityFlags)reader.ReadUInt16();
        byte charset = 0;
        var status = ServerStatusFlags.None;
        var authDataLength = 0;
        uint mariaDbExtended = 0;
        ReadOnlySpan<byte> part2 = default;
        string? pluginName = null;
        if (!reader.IsAtEnd)
        {
            charset = reader.ReadByte();
            status = (ServerStatusFlags)reader.ReadUInt16();
            capabilities |= (CapabilityFlags)((uint)reader.ReadUInt16() << 16);
            authDataLength = reader.ReadByte();
            reader.Skip(6);
            mariaDbExtended = reader.ReadUInt32(); // MariaDB: extended capabilities; MySQL: reserved zeros
            if ((capabilities & CapabilityFlags.Protocol41) == 0) mariaDbExtended = 0;
            if ((capabilities & CapabilityFlags.SecureConnection) != 0)
            {
                var part2Length = Math.Max(13, authDataLength - 8);
                part2 = reader.ReadBytes(Math.Min(part2Length, reader.Remaining));
            }
            if ((capabilities & CapabilityFlags.PluginAuth) != 0 && !reader.IsAtEnd)
                pluginName = reader.ReadNullTerminatedString();
        }

        // Part 2 ends with a NUL that is not part of the nonce.
        if (part2.Length > 0 && part2[^1] == 0) part2 = part2[..^1];
        var scramble = new byte[part1.Length + part2.Length];
        part1.CopyTo(scramble);
        part2.CopyTo(scramble.AsSpan(part1.Length));
        return new HandshakeV10(protocolVersion, serverVersion, connectionId, scramble, capabilities, charset, status,
            authDataLength, pluginName, mariaDbExtended);
    }

    public override string ToString() =>
        $"HandshakeV10 {{ Version = {ServerVersion}, ConnectionId = {ConnectionId}, Plugin = {AuthPluginName}, Capabilities = 0x{(uint)Capabilities:x8} }}";

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
