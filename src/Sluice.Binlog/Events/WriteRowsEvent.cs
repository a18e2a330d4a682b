namespace Sluice.Binlog.Events;

/// <summary>WRITE_ROWS_EVENT (v1 23, v2 30, MariaDB compressed 166/169): inserted rows.</summary>
public sealed record WriteRowsEvent(EventHeader Header) : RowsEvent(Header)
{
    public required IReadOnlyList<RowImage> Rows { get; init; }
}
