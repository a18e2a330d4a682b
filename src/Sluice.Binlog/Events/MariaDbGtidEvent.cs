using Sluice.Binlog.Gtid;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// MariaDB GTID_EVENT (162): starts an event group. The server id of the GTID is the header's server id.
/// Without <see cref="IsStandalone"/> a BEGIN is implied and the group ends with an XID or a COMMIT query.
/// </summary>
public sealed record MariaDbGtidEvent(
    EventHeader Header,
    ulong Sequence,
    uint DomainId,
    byte Flags,
    ulong? CommitId,
    int? XaFormatId,
    byte[]? XaGtrid,
    byte[]? XaBqual,
    byte FlagsExtra,
    byte? ExtraEngines,
    ulong? StartAlterSequence) : BinlogEvent(Header)
{
    public const byte FlagStandalone = 0x01, FlagGroupCommitId = 0x02, FlagTransactional = 0x04,
        FlagAllowParallel = 0x08, FlagWaited = 0x10, FlagDdl = 0x20, FlagPreparedXa = 0x40, FlagCompletedXa = 0x80;

    public const byte FlagExtraMultiEngine = 0x01, FlagExtraStartAlter = 0x02, FlagExtraCommitAlter = 0x04,
        FlagExtraRollbackAlter = 0x08;

    public MariaDbGtid Gtid => new(DomainId, Header.ServerId, Sequence);
    public bool IsStandalone => (Flags & FlagStandalone) != 0;
    public bool HasGroupCommitId => (Flags & FlagGroupCommitId) != 0;
    public bool IsTransactional => (Flags & FlagTransactional) != 0;
    public bool IsDdl => (Flags & FlagDdl) != 0;

    internal static MariaDbGtidEvent Read(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body);
        var seq = reader.ReadUInt64();
        var domain = reader.ReadUInt32();
        var flags = reader.ReadByte();
        ulong? commitId = null;
        int? formatId = null;
        byte[]? gtrid = null, bqual = null;
        if ((flags & FlagGroupCommitId) != 0)
        {
            commitId = reader.ReadUInt64();
        }
        else
        {
            // Without a commit id the body is zero-padded to the fixed 19-byte GTID body.
            reader.Skip(Math.Min(6, reader.Remaining));
        }
        if ((flags & (FlagPreparedXa | FlagCompletedXa)) != 0 && reader.Remaining >= 6)
        {
            formatId = reader.ReadInt32();
            var gl = reader.ReadByte();
            var bl = reader.ReadByte();
            if (gl + bl > reader.Remaining) throw new BinlogFormatException($"XID lengths {gl}+{bl} exceed the GTID event body");
            gtrid = reader.ReadBytes(gl).ToArray();
            bqual = reader.ReadBytes(bl).ToArray();
        }

        // MariaDB 10.8+: flags_extra and what it announces. A byte that announces more than is left is not a
        // flags_extra byte (older writers and some tools leave trailing bytes) and is ignored.
        byte flagsExtra = 0;
        byte? engines = null;
        ulong? saSeq = null;
        if (!reader.IsAtEnd)
        {
            var candidate = reader.PeekByte();
            var needed = 1 + ((candidate & FlagExtraMultiEngine) != 0 ? 1 : 0)
                + ((candidate & (FlagExtraCommitAlter | FlagExtraRollbackAlter)) != 0 ? 8 : 0);
            if (needed <= reader.Remaining)
            {
                flagsExtra = reader.ReadByte();
                if ((flagsExtra & FlagExtraMultiEngine) != 0) engines = reader.ReadByte();
                if ((flagsExtra & (FlagExtraCommitAlter | FlagExtraRollbackAlter)) != 0) saSeq = reader.ReadUInt64();
            }
        }
        return new MariaDbGtidEvent(header, seq, domain, flags, commitId, formatId, gtrid, bqual, flagsExtra, engines, saSeq);
    }
}
