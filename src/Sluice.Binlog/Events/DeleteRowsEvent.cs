namespace Sluice.Binlog.Events;

/// <summary>DELETE_ROWS_EVENT (v1 25, v2 32, MariaDB compressed 168/171): the before images of deleted rows.</summary>
public sealed record DeleteRowsEvent(EventHeader Header) : RowsEvent(Header)
{
    public required IReadOnlyList<RowImage> Rows { get; init; }
}
