namespace Sluice.Binlog.Events;

/// <summary>
/// An event this decoder does not interpret: an unknown type whose header carries LOG_EVENT_IGNORABLE_F (e.g.
/// Aurora's type 100 padding), or a known type with nothing for a change-data reader (LOAD DATA, group replication
/// view changes...). <see cref="Body"/> is the event body without header and checksum.
/// </summary>
public sealed record UnknownEvent(EventHeader Header, byte[] Body) : BinlogEvent(Header)
{
    public byte TypeCode => (byte)Header.EventType;
}
