namespace Sluice.Binlog.Events;

/// <summary>The 19-byte v4 common event header.</summary>
/// <param name="NextPosition">log_pos: the position of the next event in the binlog file (0 for artificial events).</param>
public readonly record struct EventHeader(
    uint Timestamp,
    BinlogEventType EventType,
    uint ServerId,
    uint EventSize,
    uint NextPosition,
    ushort Flags)
{
    public const int Size = 19;

    /// <summary>LOG_EVENT_BINLOG_IN_USE_F: the file was not closed cleanly (cleared before the FDE CRC is computed).</summary>
    public const ushort BinlogInUseFlag = 0x0001;

    /// <summary>LOG_EVENT_ARTIFICIAL_F: made up by the server (e.g. the ROTATE sent at the start of a dump).</summary>
    public const ushort ArtificialFlag = 0x0020;

    /// <summary>LOG_EVENT_IGNORABLE_F: a reader that does not know the type may skip the event.</summary>
    public const ushort IgnorableFlag = 0x0080;

    public bool IsArtificial => (Flags & ArtificialFlag) != 0;
    public bool IsIgnorable => (Flags & IgnorableFlag) != 0;
}
