using Sluice.Replication.Discovery;

namespace Sluice.Replication.Changes;

/// <summary>
/// A TABLE_MAP no longer matches the table's mapping (columns added, dropped, reordered, renamed or retyped since the
/// mapping was made): the rows cannot be converted, and the caller should re-discover and re-sync the table.
/// </summary>
public sealed class TableShapeChanged(TableId table, string reason)
    : Exception($"table {table} changed shape since it was mapped: {reason}")
{
    public TableId Table { get; } = table;

    /// <summary>What differs, e.g. <c>the binlog has 3 columns, the mapping expects at least 4</c>.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// A TINYINT(1) column mapped as BOOLEAN (it held only 0 and 1 when observed) received another value: the mapping
/// is wrong from now on, and the caller should re-sync the table with the column as INTEGER.
/// </summary>
public sealed class BooleanColumnViolation(TableId table, string column, object value)
    : Exception($"table {table}: column {column} is replicated as BOOLEAN but received the value {value}; " +
                "the table must be re-synced with the column as INTEGER")
{
    public TableId Table { get; } = table;
    public string Column { get; } = column;

    /// <summary>The offending value as decoded from the binlog (a <see cref="long"/> or <see cref="ulong"/>).</summary>
    public object Value { get; } = value;
}

/// <summary>
/// A row image lacks columns the destination row needs (the server logs with binlog_row_image=MINIMAL or NOBLOB):
/// the change cannot be applied as a full row.
/// </summary>
public sealed class IncompleteRowImage(TableId table, string column)
    : Exception($"table {table}: column {column} is missing from a binlog row image; replication needs binlog_row_image=FULL")
{
    public TableId Table { get; } = table;
    public string Column { get; } = column;
}
