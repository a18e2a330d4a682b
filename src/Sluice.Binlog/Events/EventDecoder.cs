using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.IO.Hashing;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// Decodes whole events (19-byte header, body, optional CRC32 trailer) one after another, keeping the state that
/// later events need: the FORMAT_DESCRIPTION (checksum algorithm, post-header lengths, flavor) and the TABLE_MAPs.
/// Works the same for a file (<see cref="Files.BinlogFileReader"/>) and for a replication stream (each packet's
/// bytes after the 0x00 OK byte). Verifies every CRC32 when the FDE announces CRC32; a mismatch throws
/// <see cref="BinlogChecksumException"/>. Malformed events throw <see cref="BinlogFormatException"/> naming the event
/// type and position. Not thread-safe: one decoder per stream.
/// </summary>
public sealed class EventDecoder
{
    private readonly Dictionary<ulong, TableMapEvent> _tables = [];
    private readonly Dictionary<ulong, byte[]> _tableMapBodies = [];
    private readonly BinlogChecksumAlgorithm? _initialChecksum;
    private readonly BinlogFlavor? _flavor;

    /// <summary>Creates a decoder.</summary>
    /// <param name="checksum">
    /// The checksum algorithm of events that arrive before the first FORMAT_DESCRIPTION_EVENT (a replication stream
    /// starts with an artificial ROTATE; the client knows what it negotiated with @source_binlog_checksum). Null:
    /// such events count as checksummed when their last 4 bytes are the CRC32 of the rest.
    /// </param>
    /// <param name="flavor">The server flavor until an FDE says otherwise (MySQL by default).</param>
    public EventDecoder(BinlogChecksumAlgorithm? checksum = null, BinlogFlavor? flavor = null)
    {
        _initialChecksum = checksum;
        _flavor = flavor;
    }

    /// <summary>The last FORMAT_DESCRIPTION_EVENT decoded, or null.</summary>
    public FormatDescriptionEvent? FormatDescription { get; private set; }

    /// <summary>The flavor of the last FDE, else the one given to the constructor, else MySQL.</summary>
    public BinlogFlavor Flavor => FormatDescription?.Flavor ?? _flavor ?? BinlogFlavor.MySql;

    /// <summary>The TABLE_MAPs seen since the last FDE, by table id.</summary>
    public IReadOnlyDictionary<ulong, TableMapEvent> TableMaps => _tables;

    /// <summary>Decodes one whole event; the position for messages comes from the header (log_pos - event_size).</summary>
    public BinlogEvent Decode(ReadOnlySpan<byte> eventBytes) => Decode(eventBytes, null);

    /// <summary>Decodes one whole event found at <paramref name="position"/> (for messages; null when unknown).</summary>
    public BinlogEvent Decode(ReadOnlySpan<byte> eventBytes, long? position) => Decode(eventBytes, position, null);

    /// <summary>
    /// <see cref="Decode(ReadOnlySpan{byte}, long?)"/> with the CRC32 of <c>eventBytes[..^4]</c> already computed (by
    /// the stream's reader, ahead): it is compared with the trailer instead of being computed again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal BinlogEvent Decode(ReadOnlySpan<byte> eventBytes, long? position, uint? crcWithoutTrailer)
    {
        if (eventBytes.Length < EventHeader.Size)
            throw new BinlogFormatException($"event of {eventBytes.Length} bytes is shorter than the 19-byte header{At(position)}");
        var header = ReadHeader(eventBytes);
        position ??= header.NextPosition >= header.EventSize && header.NextPosition != 0 ? header.NextPosition - header.EventSize : null;
        var ctx = new EventContext(header, position);
        if (header.EventSize != eventBytes.Length)
            throw ctx.Error($"header event size {header.EventSize} differs from the {eventBytes.Length} bytes given");

        if (header.EventType == BinlogEventType.FormatDescription)
        {
            var fde = FormatDescriptionEvent.Read(header, eventBytes, ctx);
            FormatDescription = fde;
            _tables.Clear();
            _tableMapBodies.Clear();
            return fde;
        }

        var headerLength = FormatDescription?.HeaderLength ?? EventHeader.Size;
        var checksummed = FormatDescription is { } f
            ? f.ChecksumAlgorithm == BinlogChecksumAlgorithm.Crc32
            : _initialChecksum is { } alg ? alg == BinlogChecksumAlgorithm.Crc32 : LooksChecksummed(eventBytes, headerLength);
        var end = eventBytes.Length;
        if (checksummed)
        {
            if (eventBytes.Length < headerLength + 4) throw ctx.Error("event too short for its CRC32 trailer");
            end -= 4;
            var expected = BinaryPrimitives.ReadUInt32LittleEndian(eventBytes[end..]);
            var actual = crcWithoutTrailer ?? Crc32.HashToUInt32(eventBytes[..end]);
            if (expected != actual) throw ChecksumError(header, position, expected, actual);
        }
        if (end < headerLength) throw ctx.Error($"event shorter than the {headerLength}-byte common header");
        return DecodeBody(header, eventBytes[headerLength..end], ctx);
    }

    /// <summary>
    /// Decodes an event body (after the common header, without checksum) — for events whose header was read
    /// separately, and for tests of single bodies. Uses and updates the decoder state like <see cref="Decode(ReadOnlySpan{byte})"/>.
    /// </summary>
    public BinlogEvent DecodeBody(EventHeader header, ReadOnlySpan<byte> body) =>
        DecodeBody(header, body, new EventContext(header,
            header.NextPosition >= header.EventSize && header.NextPosition != 0 ? header.NextPosition - header.EventSize : null));

    internal BinlogEvent DecodeBody(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        try
        {
            return DecodeBodyCore(header, body, ctx);
        }
        catch (BinlogFormatException e) when (!EventContext.HasContext(e))
        {
            throw ctx.Error(e.Message, e);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private BinlogEvent DecodeBodyCore(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        var type = header.EventType;
        switch (type)
        {
            case BinlogEventType.Query:
            case BinlogEventType.MariaDbQueryCompressed:
                return QueryEvent.Read(header, body, PostHeaderLength(type, 13), ctx);
            case BinlogEventType.Stop:
                return new StopEvent(header);
            case BinlogEventType.Rotate:
                return RotateEvent.Read(header, body, PostHeaderLength(type, 8));
            case BinlogEventType.IntVar:
                return IntVarEvent.Read(header, body);
            case BinlogEventType.Rand:
                return RandEvent.Read(header, body);
            case BinlogEventType.UserVar:
                return UserVarEvent.Read(header, body, ctx);
            case BinlogEventType.Xid:
                return XidEvent.Read(header, body);
            case BinlogEventType.TableMap:
                return ReadTableMap(header, body, ctx);
            case BinlogEventType.WriteRowsV1:
            case BinlogEventType.UpdateRowsV1:
            case BinlogEventType.DeleteRowsV1:
            case BinlogEventType.MariaDbWriteRowsCompressedV1:
            case BinlogEventType.MariaDbUpdateRowsCompressedV1:
            case BinlogEventType.MariaDbDeleteRowsCompressedV1:
                return RowsEventReader.Read(header, body, PostHeaderLength(type, 8), _tables, ctx);
            case BinlogEventType.WriteRowsV2:
            case BinlogEventType.UpdateRowsV2:
            case BinlogEventType.DeleteRowsV2:
            case BinlogEventType.PartialUpdateRows:
            case BinlogEventType.MariaDbWriteRowsCompressed:
            case BinlogEventType.MariaDbUpdateRowsCompressed:
            case BinlogEventType.MariaDbDeleteRowsCompressed:
                return RowsEventReader.Read(header, body, PostHeaderLength(type, 10), _tables, ctx);
            case BinlogEventType.Incident:
                return IncidentEvent.Read(header, body);
            case BinlogEventType.Heartbeat:
            case BinlogEventType.HeartbeatV2:
                return HeartbeatEvent.Read(header, body, ctx);
            case BinlogEventType.RowsQuery:
                return RowsQueryEvent.Read(header, body);
            case BinlogEventType.Gtid:
            case BinlogEventType.AnonymousGtid:
            case BinlogEventType.GtidTagged:
                return GtidEvent.Read(header, body, ctx);
            case BinlogEventType.PreviousGtids:
                return PreviousGtidsEvent.Read(header, body, ctx);
            case BinlogEventType.XaPrepare:
                return XaPrepareEvent.Read(header, body, ctx);
            case BinlogEventType.TransactionPayload:
                return TransactionPayloadEvent.Read(header, body, this, ctx);
            case BinlogEventType.MariaDbAnnotateRows:
                return MariaDbAnnotateRowsEvent.Read(header, body);
            case BinlogEventType.MariaDbBinlogCheckpoint:
                return MariaDbBinlogCheckpointEvent.Read(header, body);
            case BinlogEventType.MariaDbGtid:
                return MariaDbGtidEvent.Read(header, body);
            case BinlogEventType.MariaDbGtidList:
                return MariaDbGtidListEvent.Read(header, body, ctx);
            case BinlogEventType.MariaDbStartEncryption:
                throw ctx.Error("encrypted binlogs are not supported: START_ENCRYPTION_EVENT found (MariaDB encrypt_binlog=ON); " +
                    "replicate from an unencrypted binlog or disable binlog encryption");
            case BinlogEventType.FormatDescription:
                throw ctx.Error("a FORMAT_DESCRIPTION_EVENT must be decoded whole (use Decode)");
            case BinlogEventType.PreGaWriteRows:
            case BinlogEventType.PreGaUpdateRows:
            case BinlogEventType.PreGaDeleteRows:
                throw ctx.Error("pre-GA (MySQL 5.1.0-5.1.15) rows events are not supported");
            case BinlogEventType.StartV3:
            case BinlogEventType.Load:
            case BinlogEventType.Slave:
            case BinlogEventType.CreateFile:
            case BinlogEventType.AppendBlock:
            case BinlogEventType.ExecLoad:
            case BinlogEventType.DeleteFile:
            case BinlogEventType.NewLoad:
            case BinlogEventType.BeginLoadQuery:
            case BinlogEventType.ExecuteLoadQuery:
            case BinlogEventType.Ignorable:
            case BinlogEventType.TransactionContext:
            case BinlogEventType.ViewChange:
                return new UnknownEvent(header, body.ToArray());
            default:
                if (header.IsIgnorable) return new UnknownEvent(header, body.ToArray());
                throw ctx.Error($"unknown event type {(byte)type} (without the LOG_EVENT_IGNORABLE_F flag, it cannot be skipped)");
        }
    }

    /// <summary>
    /// A TABLE_MAP precedes every statement's rows events, usually byte for byte the same as the last one for its table
    /// id: then the columns decoded from that one are reused (they are immutable) under the new header.
    /// </summary>
    private TableMapEvent ReadTableMap(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        var tableIdSize = PostHeaderLength(BinlogEventType.TableMap, 8) == 6 ? 4 : 6;
        if (body.Length >= tableIdSize)
        {
            var id = new SpanReader(body);
            var tableId = tableIdSize == 4 ? id.ReadUInt32() : id.ReadUInt48();
            if (_tableMapBodies.TryGetValue(tableId, out var known) && body.SequenceEqual(known) && _tables.TryGetValue(tableId, out var same))
            {
                var again = same with { Header = header };
                _tables[tableId] = again;
                return again;
            }
        }
        var table = TableMapEvent.Read(header, body, tableIdSize, Flavor, ctx);
        _tables[table.TableId] = table;
        _tableMapBodies[table.TableId] = body.ToArray();
        return table;
    }

    /// <summary>The post-header length of <paramref name="type"/> from the FDE, or the usual one when there is none.</summary>
    private int PostHeaderLength(BinlogEventType type, int fallback) =>
        FormatDescription?.PostHeaderLength(type) is { } l and > 0 ? l : fallback;

    internal static EventHeader ReadHeader(ReadOnlySpan<byte> bytes)
    {
        var r = new SpanReader(bytes);
        return new EventHeader(
            Timestamp: r.ReadUInt32(),
            EventType: (BinlogEventType)r.ReadByte(),
            ServerId: r.ReadUInt32(),
            EventSize: r.ReadUInt32(),
            NextPosition: r.ReadUInt32(),
            Flags: r.ReadUInt16());
    }

    /// <summary>Before any FDE and without a configured algorithm: a CRC32 trailer is present when it matches.</summary>
    private static bool LooksChecksummed(ReadOnlySpan<byte> eventBytes, int headerLength) =>
        eventBytes.Length >= headerLength + 4
        && Crc32.HashToUInt32(eventBytes[..^4]) == BinaryPrimitives.ReadUInt32LittleEndian(eventBytes[^4..]);

    internal static BinlogChecksumException ChecksumError(EventHeader header, long? position, uint expected, uint actual)
    {
        var where = position is { } p ? $"at position {p}" : "at unknown position";
        return EventContext.Mark(new BinlogChecksumException(
            $"CRC32 mismatch in {EventContext.TypeName(header.EventType)} event {where} (log_pos {header.NextPosition}): " +
            $"stored 0x{expected:x8}, computed 0x{actual:x8}",
            header.EventType, position, header.NextPosition, expected, actual));
    }

    private static string At(long? position) => position is { } p ? $" at position {p}" : "";
}
