using System.Buffers;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// QUERY_EVENT (2): a statement (DDL, BEGIN/COMMIT, or DML in statement format); MariaDB QUERY_COMPRESSED_EVENT (165)
/// decodes to the same record with <see cref="WasCompressed"/> set. The SQL text is decoded with the client character
/// set from the Q_CHARSET_CODE status variable (UTF-8 when absent); <see cref="SqlBytes"/> keeps the raw bytes.
/// </summary>
public sealed record QueryEvent(
    EventHeader Header,
    uint ThreadId,
    uint ExecutionTime,
    ushort ErrorCode,
    string Schema,
    string Sql,
    byte[] SqlBytes,
    QueryStatusVariables StatusVariables,
    bool WasCompressed = false) : BinlogEvent(Header)
{
    internal static QueryEvent Read(EventHeader header, ReadOnlySpan<byte> body, int postHeaderLength, in EventContext ctx)
    {
        var reader = new SpanReader(body);
        var threadId = reader.ReadUInt32();
        var execTime = reader.ReadUInt32();
        var schemaLength = reader.ReadByte();
        var errorCode = reader.ReadUInt16();
        var statusLength = postHeaderLength >= 13 ? reader.ReadUInt16() : 0;
        if (postHeaderLength > 13) reader.Skip(postHeaderLength - 13);
        var status = QueryStatusVariables.Read(reader.ReadBytes(statusLength), ctx);
        var schema = System.Text.Encoding.UTF8.GetString(reader.ReadBytes(schemaLength));
        if (reader.ReadByte() != 0) throw ctx.Error("schema name is not NUL-terminated");

        var sqlBytes = reader.ReadRemaining();
        var compressed = header.EventType == BinlogEventType.MariaDbQueryCompressed;
        byte[]? pooled = null;
        try
        {
            if (compressed)
            {
                pooled = MariaDbCompression.Decompress(sqlBytes, ctx, out var length);
                sqlBytes = pooled.AsSpan(0, length);
            }
            var sql = CharsetText.Decode(sqlBytes, status.CharsetClient);
            return new QueryEvent(header, threadId, execTime, errorCode, schema, sql, sqlBytes.ToArray(), status, compressed);
        }
        finally
        {
            if (pooled is not null) ArrayPool<byte>.Shared.Return(pooled);
        }
    }
}

/// <summary>
/// The status variables of a QUERY_EVENT that a change-data reader may need. Parsing stops at the first code this
/// decoder does not know (the block's length is known, so the rest of the event is still read correctly);
/// <see cref="FullyParsed"/> says whether that happened.
/// </summary>
public sealed record QueryStatusVariables
{
    public uint? Flags2 { get; init; }
    public ulong? SqlMode { get; init; }
    public string? Catalog { get; init; }
    public ushort? AutoIncrementIncrement { get; init; }
    public ushort? AutoIncrementOffset { get; init; }

    /// <summary>character_set_client (a collation id): the character set of the SQL text.</summary>
    public ushort? CharsetClient { get; init; }
    public ushort? CollationConnection { get; init; }
    public ushort? CollationServer { get; init; }
    public string? TimeZone { get; init; }
    public ushort? LcTimeNamesNumber { get; init; }
    public ushort? CollationDatabase { get; init; }
    public ulong? TableMapForUpdate { get; init; }
    public string? InvokerUser { get; init; }
    public string? InvokerHost { get; init; }
    public IReadOnlyList<string>? UpdatedDatabases { get; init; }
    public uint? Microseconds { get; init; }
    public bool? ExplicitDefaultsForTimestamp { get; init; }
    public ulong? DdlXid { get; init; }
    public ushort? DefaultCollationForUtf8mb4 { get; init; }
    public byte? SqlRequirePrimaryKey { get; init; }
    public byte? DefaultTableEncryption { get; init; }

    /// <summary>MariaDB Q_XID: the XID of a DDL logged with one.</summary>
    public ulong? MariaDbXid { get; init; }
    public byte? MariaDbGtidFlags3 { get; init; }
    public bool FullyParsed { get; init; } = true;

    internal static QueryStatusVariables Read(ReadOnlySpan<byte> block, in EventContext ctx)
    {
        var r = new SpanReader(block);
        var v = new QueryStatusVariables();
        try
        {
            while (!r.IsAtEnd)
            {
                var code = r.ReadByte();
                switch (code)
                {
                    case 0: v = v with { Flags2 = r.ReadUInt32() }; break;
                    case 1: v = v with { SqlMode = r.ReadUInt64() }; break;
                    case 2: // Q_CATALOG_CODE (5.0.0-5.0.3): length, text, NUL
                        v = v with { Catalog = r.ReadString(r.ReadByte()) };
                        r.ReadByte();
                        break;
                    case 3: v = v with { AutoIncrementIncrement = r.ReadUInt16(), AutoIncrementOffset = r.ReadUInt16() }; break;
                    case 4:
                        v = v with { CharsetClient = r.ReadUInt16(), CollationConnection = r.ReadUInt16(), CollationServer = r.ReadUInt16() };
                        break;
                    case 5: v = v with { TimeZone = r.ReadString(r.ReadByte()) }; break;
                    case 6: v = v with { Catalog = r.ReadString(r.ReadByte()) }; break;
                    case 7: v = v with { LcTimeNamesNumber = r.ReadUInt16() }; break;
                    case 8: v = v with { CollationDatabase = r.ReadUInt16() }; break;
                    case 9: v = v with { TableMapForUpdate = r.ReadUInt64() }; break;
                    case 10: r.Skip(4); break; // Q_MASTER_DATA_WRITTEN_CODE
                    case 11: v = v with { InvokerUser = r.ReadString(r.ReadByte()), InvokerHost = r.ReadString(r.ReadByte()) }; break;
                    case 12:
                    {
                        var count = r.ReadByte();
                        var names = new List<string>();
                        if (count != 254) // OVER_MAX_DBS_IN_EVENT_MTS: no names follow
                        {
                            for (var i = 0; i < count; i++) names.Add(System.Text.Encoding.UTF8.GetString(r.ReadNullTerminated()));
                        }
                        v = v with { UpdatedDatabases = names };
                        break;
                    }
                    case 13: v = v with { Microseconds = r.ReadUInt24() }; break;
                    case 14: // Q_COMMIT_TS (never written)
                    case 15: // Q_COMMIT_TS2 (never written)
                        return v with { FullyParsed = false };
                    case 16: v = v with { ExplicitDefaultsForTimestamp = r.ReadByte() != 0 }; break;
                    case 17: v = v with { DdlXid = r.ReadUInt64() }; break;
                    case 18: v = v with { DefaultCollationForUtf8mb4 = r.ReadUInt16() }; break;
                    case 19: v = v with { SqlRequirePrimaryKey = r.ReadByte() }; break;
                    case 20: v = v with { DefaultTableEncryption = r.ReadByte() }; break;
                    case 128: r.Skip(3); break; // MariaDB Q_HRNOW: microseconds of the statement time
                    case 129: v = v with { MariaDbXid = r.ReadUInt64() }; break;
                    case 130: v = v with { MariaDbGtidFlags3 = r.ReadByte() }; break;
                    default:
                        return v with { FullyParsed = false };
                }
            }
        }
        catch (BinlogFormatException e)
        {
            throw ctx.Error("malformed status variables: " + e.Message, e);
        }
        return v;
    }
}
