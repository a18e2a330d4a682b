using Sluice.Binlog.Gtid;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// MariaDB GTID_LIST_EVENT (163): the binlog state at the start of a file, the last GTID of every (domain, server).
/// A domain may appear once per server id; <see cref="ToGtidList"/> keeps the last entry of each domain.
/// </summary>
public sealed record MariaDbGtidListEvent(EventHeader Header, IReadOnlyList<MariaDbGtid> Gtids, byte Flags) : BinlogEvent(Header)
{
    public MariaDbGtidList ToGtidList() => new(Gtids);

    public override string ToString() => $"{nameof(MariaDbGtidListEvent)} [{string.Join(",", Gtids)}]";

    internal static MariaDbGtidListEvent Read(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        var reader = new SpanReader(body);
        var word = reader.ReadUInt32();
        var count = (int)(word & 0x0FFFFFFF);
        if ((long)count * 16 > reader.Remaining) throw ctx.Error($"GTID count {count} exceeds the event body");
        var list = new MariaDbGtid[count];
        for (var i = 0; i < count; i++)
        {
            var domain = reader.ReadUInt32();
            var server = reader.ReadUInt32();
            list[i] = new MariaDbGtid(domain, server, reader.ReadUInt64());
        }
        return new MariaDbGtidListEvent(header, list, (byte)(word >> 28));
    }
}
