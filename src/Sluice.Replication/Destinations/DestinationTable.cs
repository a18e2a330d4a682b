using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;

namespace Sluice.Replication.Destinations;

/// <summary>A replicated (non-system) column of a destination table.</summary>
/// <param name="Name">Column name (source naming).</param>
/// <param name="Type">Destination-neutral type.</param>
/// <param name="PrimaryKeyOrdinal">1-based position in the primary key, 0 when not in it.</param>
/// <param name="Source">The source column (null for tables defined without one, e.g. in tests).</param>
public sealed record DestinationColumn(string Name, DestinationType Type, int PrimaryKeyOrdinal = 0, SourceColumn? Source = null)
{
    public bool IsPrimaryKey => PrimaryKeyOrdinal > 0;
}

/// <summary>
/// A destination table: the mapped source columns in source order (rows passed to a destination are
/// <c>object?[]</c> aligned with <see cref="Columns"/>), plus the system columns each destination adds.
/// </summary>
public sealed class DestinationTable(TableId id, IReadOnlyList<DestinationColumn> columns)
{
    public TableId Id { get; } = id;

    public IReadOnlyList<DestinationColumn> Columns { get; } = columns;

    /// <summary>Indexes into <see cref="Columns"/> of the primary key columns, in key order.</summary>
    public IReadOnlyList<int> PrimaryKeyIndexes { get; } = columns
        .Select((c, i) => (c, i)).Where(p => p.c.IsPrimaryKey).OrderBy(p => p.c.PrimaryKeyOrdinal).Select(p => p.i).ToArray();

    public bool HasPrimaryKey => PrimaryKeyIndexes.Count > 0;

    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, column, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}

/// <summary>Names of the system columns and tables destinations add.</summary>
public static class SystemColumns
{
    public const string Synced = "_fivetran_synced";
    public const string Deleted = "_fivetran_deleted";
    public const string Id = "_fivetran_id";
    public const string Index = "_fivetran_index";
}
