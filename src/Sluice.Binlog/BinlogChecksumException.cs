using Sluice.Binlog.Events;

namespace Sluice.Binlog;

/// <summary>An event whose CRC32 trailer does not match its bytes.</summary>
public sealed class BinlogChecksumException(
    string message,
    BinlogEventType eventType,
    long? position,
    uint logPosition,
    uint expected,
    uint actual) : BinlogFormatException(message)
{
    public BinlogEventType EventType { get; } = eventType;

    /// <summary>Offset of the event header (in the file, or derived from log_pos - event_size); null when unknown.</summary>
    public long? Position { get; } = position;

    /// <summary>The header's log_pos (position of the next event).</summary>
    public uint LogPosition { get; } = logPosition;

    /// <summary>The CRC32 stored in the event.</summary>
    public uint Expected { get; } = expected;

    /// <summary>The CRC32 computed over the event bytes.</summary>
    public uint Actual { get; } = actual;
}
