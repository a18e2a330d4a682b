namespace Sluice.Binlog.Events;

/// <summary>
/// UPDATE_ROWS_EVENT (v1 24, v2 31, MariaDB compressed 167/170) and PARTIAL_UPDATE_ROWS_EVENT (39,
/// <see cref="IsPartialJson"/>): before and after image of each updated row. In a partial update, JSON columns of
/// the after image may be binary diffs: they are applied to the before image's value; when the before image lacks
/// the column the after value is a <see cref="PartialJsonValue"/>.
/// </summary>
public sealed record UpdateRowsEvent(EventHeader Header) : RowsEvent(Header)
{
    public required IReadOnlyList<RowUpdate> Rows { get; init; }
    public bool IsPartialJson { get; init; }
}
