using System.Globalization;
using System.IO.Hashing;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// FORMAT_DESCRIPTION_EVENT (15): the first event of every binlog (v4). Tells the reader the server version, the
/// common header length, each event type's post-header length and (5.6.1+/MariaDB 5.3+) the checksum algorithm.
/// </summary>
/// <param name="PostHeaderLengths">Index <c>type - 1</c> holds the post-header length of event type <c>type</c>.</param>
public sealed record FormatDescriptionEvent(
    EventHeader Header,
    ushort BinlogVersion,
    string ServerVersion,
    uint CreateTimestamp,
    byte HeaderLength,
    IReadOnlyList<byte> PostHeaderLengths,
    BinlogChecksumAlgorithm ChecksumAlgorithm) : BinlogEvent(Header)
{
    private const int ServerVersionLength = 50;

    public BinlogFlavor Flavor => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)
        ? BinlogFlavor.MariaDb
        : BinlogFlavor.MySql;

    /// <summary>The post-header length of <paramref name="type"/>, or null when the FDE does not list it.</summary>
    public byte? PostHeaderLength(BinlogEventType type)
    {
        var i = (int)type - 1;
        return i >= 0 && i < PostHeaderLengths.Count ? PostHeaderLengths[i] : null;
    }

    /// <summary>
    /// Decodes a whole FDE (header + body + optional checksum) and verifies its CRC32 when it announces CRC32. The CRC
    /// of an FDE in a file still open is computed with LOG_EVENT_BINLOG_IN_USE_F cleared (the server sets that flag in
    /// place after computing the checksum); both forms are accepted.
    /// </summary>
    internal static FormatDescriptionEvent Read(EventHeader header, ReadOnlySpan<byte> eventBytes, in EventContext ctx)
    {
        var reader = new SpanReader(eventBytes[EventHeader.Size..]);
        try
        {
            var binlogVersion = reader.ReadUInt16();
            if (binlogVersion != 4) throw ctx.Error($"binlog version {binlogVersion} is not supported (only v4, MySQL 5.0+)");
            var versionBytes = reader.ReadBytes(ServerVersionLength);
            var nul = versionBytes.IndexOf((byte)0);
            var serverVersion = System.Text.Encoding.ASCII.GetString(nul < 0 ? versionBytes : versionBytes[..nul]);
            var created = reader.ReadUInt32();
            var headerLength = reader.ReadByte();
            if (headerLength < EventHeader.Size) throw ctx.Error($"common header length {headerLength} is below 19");

            var rest = reader.RemainingSpan;
            var alg = BinlogChecksumAlgorithm.Undefined;
            var postHeaders = rest;
            if (HasChecksumAlgorithm(serverVersion))
            {
                if (rest.Length < 5) throw ctx.Error("FDE too short for its checksum algorithm byte and checksum");
                alg = (BinlogChecksumAlgorithm)rest[^5];
                postHeaders = rest[..^5];
                if (alg == BinlogChecksumAlgorithm.Crc32) VerifyCrc(header, eventBytes, in ctx);
                else if (alg != BinlogChecksumAlgorithm.None && alg != BinlogChecksumAlgorithm.Undefined)
                    throw ctx.Error($"unknown checksum algorithm {(byte)alg}");
            }
            return new FormatDescriptionEvent(header, binlogVersion, serverVersion, created, headerLength,
                postHeaders.ToArray(), alg == BinlogChecksumAlgorithm.Undefined ? BinlogChecksumAlgorithm.None : alg);
        }
        catch (BinlogFormatException e) when (!EventContext.HasContext(e))
        {
            throw ctx.Error(e.Message, e);
        }
    }

    private static void VerifyCrc(EventHeader header, ReadOnlySpan<byte> eventBytes, in EventContext ctx)
    {
        var expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(eventBytes[^4..]);
        var asIs = Crc32.HashToUInt32(eventBytes[..^4]);
        if (asIs == expected) return;

        // The server writes the FDE CRC with LOG_EVENT_BINLOG_IN_USE_F clear and sets the flag in place while the file
        // is open, so a file copied while in use has a CRC over the flag-cleared bytes.
        var crc = new Crc32();
        Span<byte> head = stackalloc byte[EventHeader.Size];
        eventBytes[..EventHeader.Size].CopyTo(head);
        head[17] &= unchecked((byte)~EventHeader.BinlogInUseFlag);
        crc.Append(head);
        crc.Append(eventBytes[EventHeader.Size..^4]);
        var cleared = crc.GetCurrentHashAsUInt32();
        if (cleared != expected) throw EventDecoder.ChecksumError(header, ctx.Position, expected, asIs);
    }

    /// <summary>The checksum algorithm byte exists from MySQL 5.6.1 and MariaDB 5.3 on.</summary>
    internal static bool HasChecksumAlgorithm(string serverVersion)
    {
        var mariaDb = serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        var (major, minor, patch) = ParseVersion(serverVersion);
        var v = major * 10000 + minor * 100 + patch;
        return mariaDb ? v >= 50300 : v >= 50601;
    }

    internal static (int, int, int) ParseVersion(string version)
    {
        Span<int> parts = stackalloc int[3];
        var p = 0;
        var i = 0;
        while (p < 3)
        {
            var start = i;
            while (i < version.Length && char.IsAsciiDigit(version[i])) i++;
            if (i == start) break;
            parts[p++] = int.Parse(version.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            if (i >= version.Length || version[i] != '.') break;
            i++;
        }
        return (parts[0], parts[1], parts[2]);
    }
}
