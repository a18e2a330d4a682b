namespace Sluice.Replication.Destinations;

/// <summary>What a <see cref="RowChange"/> does.</summary>
public enum RowChangeKind
{
    /// <summary>Insert, or replace the row with the same key (PK tables) / same values (tables without PK).</summary>
    Upsert,
    /// <summary>Delete given the full row (the before image): soft delete, inserting the row marked deleted if absent.</summary>
    Delete,
    /// <summary>Delete given only the key (other cells ignored): PK tables only; keeps the existing row's other values.</summary>
    DeleteByKey,
    /// <summary>Update from <see cref="RowChange.Before"/> to <see cref="RowChange.Row"/>: in place when the key is
    /// unchanged; delete + upsert when the primary key changes or the table has none.</summary>
    Update,
}

/// <summary>
/// One source row change in canonical values (<see cref="Values.CanonicalValues"/>), cells aligned with
/// <see cref="DestinationTable.Columns"/>. <see cref="Row"/> is the after image (the before image for deletes).
/// </summary>
public sealed record RowChange(RowChangeKind Kind, object?[] Row, object?[]? Before = null)
{
    /// <summary>When the source logged the change (the binlog event's timestamp, whole seconds, UTC); null for
    /// snapshot rows.</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>The change's order within its batch (0, 1, 2...): rows of one event in event order, events in binlog
    /// order.</summary>
    public long Sequence { get; init; }

    public static RowChange Upsert(object?[] row) => new(RowChangeKind.Upsert, row);
    public static RowChange Delete(object?[] row) => new(RowChangeKind.Delete, row);
    public static RowChange DeleteByKey(object?[] keyRow) => new(RowChangeKind.DeleteByKey, keyRow);
    public static RowChange Update(object?[] before, object?[] after) => new(RowChangeKind.Update, after, before);
}

/// <summary>The outcome of applying a batch.</summary>
public enum ApplyOutcome
{
    Applied,
    /// <summary>The table already recorded this batch's position (or a later one): nothing was written.</summary>
    AlreadyApplied,
}
