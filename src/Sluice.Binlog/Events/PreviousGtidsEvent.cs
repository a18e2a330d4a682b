using Sluice.Binlog.Gtid;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>
/// PREVIOUS_GTIDS_LOG_EVENT (35): the GTIDs executed before this binlog file. Classic format: n_sids (u64), then per
/// UUID: 16 bytes, n_intervals (u64), [start, end) pairs. Tagged format (MySQL 8.4+, byte 7 of the first word = 1):
/// n_sids in bytes 1-6, and a varint-length tag after each UUID.
/// </summary>
public sealed record PreviousGtidsEvent(EventHeader Header, MySqlGtidSet GtidSet) : BinlogEvent(Header)
{
    internal static PreviousGtidsEvent Read(EventHeader header, ReadOnlySpan<byte> body, in EventContext ctx)
    {
        var r = new SpanReader(body);
        try
        {
            var word = r.ReadUInt64();
            var tagged = (word >> 56) == 1;
            var count = tagged ? (word >> 8) & 0xFFFF_FFFF_FFFF : word;
            if (!tagged && (word >> 56) != 0) throw ctx.Error($"unknown GTID set format {word >> 56}");
            if (count > (ulong)body.Length / 16) throw ctx.Error($"UUID count {count} exceeds the event body");
            var set = new MySqlGtidSet();
            for (ulong i = 0; i < count; i++)
            {
                var sid = new Guid(r.ReadBytes(16), bigEndian: true);
                string? tag = null;
                if (tagged)
                {
                    var t = SerializationVarLen.ReadString(ref r);
                    tag = t.Length == 0 ? null : t;
                }
                var intervals = r.ReadUInt64();
                if (intervals > (ulong)r.Remaining / 16) throw ctx.Error($"interval count {intervals} exceeds the event body");
                for (ulong k = 0; k < intervals; k++)
                {
                    var start = r.ReadInt64();
                    var end = r.ReadInt64();
                    if (start < 1 || end <= start) throw ctx.Error($"invalid GTID interval [{start}, {end})");
                    set.AddInterval(sid, tag, start, end - 1);
                }
            }
            return new PreviousGtidsEvent(header, set);
        }
        catch (BinlogFormatException e) when (!EventContext.HasContext(e))
        {
            throw ctx.Error(e.Message, e);
        }
    }
}
