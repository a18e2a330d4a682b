using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;

namespace Sluice.Replication.Destinations;

/// <summary>
/// An analytics destination. Every write is one destination transaction that also records the table's position, so
/// a batch is applied wholly or not at all, and replaying an already recorded position is a no-op.
/// Implementations serialise calls; one instance per destination database.
/// </summary>
public interface IDestination : IAsyncDisposable
{
    /// <summary>Creates the table's schema and table (mapped columns plus system columns) when missing.</summary>
    Task EnsureTableAsync(DestinationTable table, CancellationToken cancellationToken = default);

    /// <summary>Applies an ordered list of changes to one table and records <paramref name="position"/> in the same transaction.</summary>
    Task<ApplyOutcome> ApplyAsync(DestinationTable table, IReadOnlyList<RowChange> changes, string position,
        CancellationToken cancellationToken = default);

    /// <summary>Bulk upsert of snapshot rows (same semantics as <see cref="RowChange.Upsert"/> for each row).</summary>
    Task<ApplyOutcome> WriteSnapshotChunkAsync(DestinationTable table, IReadOnlyList<object?[]> rows, string position,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes snapshot rows already reconciled with the stream (upserts), in one transaction, without checking or
    /// changing the table's recorded position: a chunk is never replayed (after a crash it is read again, under a new
    /// reconciliation window), and its rows must not make the stream's replays look applied.
    /// </summary>
    Task WriteReconciledChunkAsync(DestinationTable table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default);

    /// <summary>Drops the table (if it exists) and forgets its recorded position, in one transaction (a re-sync starts over).</summary>
    Task DropTableAsync(TableId table, CancellationToken cancellationToken = default);

    /// <summary>Whether the table's destination table exists (it may have been dropped by hand, or the file replaced).</summary>
    Task<bool> HasTableAsync(TableId table, CancellationToken cancellationToken = default);

    /// <summary>The last position recorded for the table, or null when nothing was applied yet.</summary>
    Task<string?> ReadPositionAsync(TableId table, CancellationToken cancellationToken = default);
}

/// <summary>Options shared by destinations.</summary>
public sealed record DestinationOptions
{
    /// <summary>Columns whose values are stored as salted SHA-256 hex (null: none).</summary>
    public ColumnHashing? Hashing { get; init; }

    /// <summary>
    /// Orders opaque positions. Without it a batch is skipped only when its position equals the recorded one; with it,
    /// also when it sorts before the recorded one (a replay of an older batch).
    /// </summary>
    public IComparer<string>? PositionComparer { get; init; }

    /// <summary>The clock for <c>_fivetran_synced</c> and <c>updated_at</c>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// Column hashing: the named columns (<c>schema.table.column</c>, case-insensitive) are stored as
/// SHA-256(salt ‖ canonical encoding of the value) in lower-case hex (a STRING column); NULL stays NULL. The salt is
/// the caller's (per connector), so equal values hash equally within a connector and joins on hashed keys still work.
/// </summary>
public sealed class ColumnHashing(ReadOnlyMemory<byte> salt, IEnumerable<string> columns)
{
    private readonly HashSet<string> _columns = new(columns, StringComparer.OrdinalIgnoreCase);

    public ReadOnlyMemory<byte> Salt { get; } = salt;

    public bool IsHashed(TableId table, string column) => _columns.Contains(table.Schema + "." + table.Name + "." + column);

    /// <summary>The destination type of a column after hashing (STRING when hashed).</summary>
    public DestinationType TypeOf(TableId table, DestinationColumn column) =>
        IsHashed(table, column.Name) ? DestinationType.String : column.Type;
}
