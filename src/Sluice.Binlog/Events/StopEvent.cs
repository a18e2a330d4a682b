namespace Sluice.Binlog.Events;

/// <summary>STOP_EVENT (3): the server shut down; no event follows in this file.</summary>
public sealed record StopEvent(EventHeader Header) : BinlogEvent(Header);
