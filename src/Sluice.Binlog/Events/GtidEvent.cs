using Sluice.Binlog.Gtid;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// MySQL GTID_LOG_EVENT (33), ANONYMOUS_GTID_LOG_EVENT (34) and GTID_TAGGED_LOG_EVENT (42, MySQL 8.4+): starts a
/// transaction. Fields added after 5.6 are null when the writer did not include them; an original_* field that is
/// not on the wire equals its immediate_* counterpart (the transaction originated on the writer).
/// </summary>
public sealed record GtidEvent(
    EventHeader Header,
    byte Flags,
    Guid SourceId,
    long Gno,
    string? Tag,
    long? LastCommitted,
    long? SequenceNumber,
    ulong? ImmediateCommitTimestamp,
    ulong? OriginalCommitTimestamp,
    ulong? TransactionLength,
    uint? ImmediateServerVersion,
    uint? OriginalServerVersion,
    ulong? CommitGroupTicket) : BinlogEvent(Header)
{
    /// <summary>FLAG_MAY_HAVE_SBR: the transaction may contain statement-based events.</summary>
    public const byte FlagMayHaveSbr = 0x01;

    private const byte LogicalTimestampTypeCode = 2;
    private const ulong CommitTimestampHighBit = 1UL << 55;
    private const uint ServerVersionHighBit = 1U << 31;

    public bool IsAnonymous => Header.EventType == BinlogEventType.AnonymousGtid;

    /// <summary>The GTID (meaningless for anonymous events, whose UUID and GNO are zero).</summary>
    public MySqlGtid Gtid => new(SourceId, Tag, Gno);

    internal static GtidEvent Read(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        if (header.EventType == BinlogEventType.GtidTagged) return ReadTagged(header, body, ctx);

        var r = new SpanReader(body);
        var flags = r.ReadByte();
        var sid = new Guid(r.ReadBytes(16), bigEndian: true);
        var gno = r.ReadInt64();
        long? lastCommitted = null, sequence = null;
        if (r.Remaining >= 17 && r.PeekByte() == LogicalTimestampTypeCode)
        {
            r.ReadByte();
            lastCommitted = r.ReadInt64();
            sequence = r.ReadInt64();
        }
        ulong? immediateTs = null, originalTs = null, trxLength = null, ticket = null;
        uint? immediateVersion = null, originalVersion = null;
        if (r.Remaining >= 7)
        {
            immediateTs = r.ReadUIntLE(7);
            if ((immediateTs & CommitTimestampHighBit) != 0)
            {
                immediateTs &= ~CommitTimestampHighBit;
                originalTs = r.ReadUIntLE(7);
            }
            else
            {
                originalTs = immediateTs;
            }
        }
        if (!r.IsAtEnd) trxLength = r.ReadLengthEncodedInteger();
        if (r.Remaining >= 4)
        {
            immediateVersion = r.ReadUInt32();
            if ((immediateVersion & ServerVersionHighBit) != 0)
            {
                immediateVersion &= ~ServerVersionHighBit;
                originalVersion = r.ReadUInt32();
            }
            else
            {
                originalVersion = immediateVersion;
            }
        }
        if (r.Remaining >= 8) ticket = r.ReadUInt64();
        return new GtidEvent(header, flags, sid, gno, null, lastCommitted, sequence, immediateTs, originalTs, trxLength,
            immediateVersion, originalVersion, ticket);
    }

    /// <summary>
    /// GTID_TAGGED_LOG_EVENT: a mysql::serialization message — a format varint, the message size (counting from the
    /// start of the body), the last non-ignorable field id, then (field id, value) pairs. Field ids: 0 flags,
    /// 1 uuid (16 varints), 2 gno, 3 tag, 4 last_committed, 5 sequence_number, 6 immediate_commit_timestamp,
    /// 7 original_commit_timestamp, 8 transaction_length, 9 immediate_server_version, 10 original_server_version,
    /// 11 commit_group_ticket. Unknown ignorable fields end the decoding (their size is not known).
    /// </summary>
    private static GtidEvent ReadTagged(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        var r = new SpanReader(body);
        try
        {
            SerializationVarLen.ReadUnsigned(ref r); // serialization format version
            var size = SerializationVarLen.ReadUnsigned(ref r);
            if (size > (ulong)body.Length) throw ctx.Error($"serialized GTID size {size} exceeds the body ({body.Length} bytes)");
            r = new SpanReader(body[..(int)size]) ;
            SerializationVarLen.ReadUnsigned(ref r);
            SerializationVarLen.ReadUnsigned(ref r);
            var lastNonIgnorable = SerializationVarLen.ReadUnsigned(ref r);

            byte flags = 0;
            var sid = Guid.Empty;
            long gno = 0;
            string? tag = null;
            long? lastCommitted = null, sequence = null;
            ulong? immediateTs = null, originalTs = null, trxLength = null, ticket = null;
            uint? immediateVersion = null, originalVersion = null;
            var sawUuid = false;
            Span<byte> uuid = stackalloc byte[16];
            while (!r.IsAtEnd)
            {
                var id = SerializationVarLen.ReadUnsigned(ref r);
                switch (id)
                {
                    case 0: flags = (byte)SerializationVarLen.ReadUnsigned(ref r); break;
                    case 1:
                        for (var i = 0; i < 16; i++) uuid[i] = (byte)SerializationVarLen.ReadUnsigned(ref r);
                        sid = new Guid(uuid, bigEndian: true);
                        sawUuid = true;
                        break;
                    case 2: gno = SerializationVarLen.ReadSigned(ref r); break;
                    case 3:
                        var t = SerializationVarLen.ReadString(ref r);
                        tag = t.Length == 0 ? null : t;
                        break;
                    case 4: lastCommitted = SerializationVarLen.ReadSigned(ref r); break;
                    case 5: sequence = SerializationVarLen.ReadSigned(ref r); break;
                    case 6: immediateTs = SerializationVarLen.ReadUnsigned(ref r); break;
                    case 7: originalTs = SerializationVarLen.ReadUnsigned(ref r); break;
                    case 8: trxLength = SerializationVarLen.ReadUnsigned(ref r); break;
                    case 9: immediateVersion = (uint)SerializationVarLen.ReadUnsigned(ref r); break;
                    case 10: originalVersion = (uint)SerializationVarLen.ReadUnsigned(ref r); break;
                    case 11: ticket = SerializationVarLen.ReadUnsigned(ref r); break;
                    default:
                        if (id <= lastNonIgnorable) throw ctx.Error($"unknown non-ignorable field {id}");
                        r.Seek(r.Length);
                        break;
                }
            }
            if (!sawUuid) throw ctx.Error("tagged GTID without a UUID");
            return new GtidEvent(header, flags, sid, gno, tag, lastCommitted, sequence, immediateTs,
                originalTs ?? immediateTs, trxLength, immediateVersion, originalVersion ?? immediateVersion, ticket);
        }
        catch (BinlogFormatException e) when (!EventContext.HasContext(e))
        {
            throw ctx.Error(e.Message, e);
        }
    }
}
