namespace Sluice.Binlog.Events;

/// <summary>A decoded binlog event. Each concrete event type lives in its own file beside this one.</summary>
public abstract record BinlogEvent(EventHeader Header);
