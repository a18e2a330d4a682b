using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Events;

/// <summary>XID_EVENT (16): the COMMIT of a transaction on a transactional engine.</summary>
public sealed record XidEvent(EventHeader Header, ulong Xid) : BinlogEvent(Header)
{
    internal static XidEvent Read(EventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new SpanReader(body);
        return new XidEvent(header, reader.ReadUInt64());
    }
}
