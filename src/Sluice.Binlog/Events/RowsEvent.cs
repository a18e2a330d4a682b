namespace Sluice.Binlog.Events;

/// <summary>
/// Common part of WRITE/UPDATE/DELETE rows events (v1 23-25, v2 30-32, PARTIAL_UPDATE 39, MariaDB compressed
/// 166-171). <see cref="Table"/> is the TABLE_MAP the decoder had for <see cref="TableId"/> (null only for the empty
/// dummy event MySQL may write to close a statement).
/// </summary>
public abstract record RowsEvent(EventHeader Header) : BinlogEvent(Header)
{
    /// <summary>STMT_END_F: the last rows event of the statement.</summary>
    public const ushort StatementEndFlag = 0x0001;

    public required ulong TableId { get; init; }
    public required ushort Flags { get; init; }
    public required TableMapEvent? Table { get; init; }

    /// <summary>Number of columns in the event (equals the TABLE_MAP's).</summary>
    public required int ColumnCount { get; init; }

    /// <summary>1 for v1 events (and MariaDB's), 2 for v2.</summary>
    public required int Version { get; init; }
    public RowsExtraInfo? ExtraInfo { get; init; }

    /// <summary>The event was a MariaDB compressed rows event (166-171).</summary>
    public bool WasCompressed { get; init; }

    public bool IsStatementEnd => (Flags & StatementEndFlag) != 0;
}
