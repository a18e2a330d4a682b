using Sluice.Replication.Destinations;
using Sluice.Replication.Discovery;

namespace Sluice.Actors.Destinations;

/// <summary>
/// The one destination instance of a connector, shared by its merge actors: every call runs alone (DuckDB has one
/// writer; <c>_sluice.positions</c> is shared by all tables), and writes carry the table's <i>generation</i>, so a
/// write still in flight from a merge actor that was stopped for a re-sync is discarded once the table was dropped
/// (it would otherwise re-create the old shape). <see cref="DisposeAsync"/> waits for the call in progress.
/// </summary>
public sealed class SharedDestination(IDestination inner) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<TableId, int> _generations = [];
    private bool _disposed;

    /// <summary>The table's current generation (bumped by <see cref="DropTableAsync"/>).</summary>
    public int Generation(TableId table)
    {
        lock (_generations) return _generations.GetValueOrDefault(table);
    }

    public Task EnsureTableAsync(DestinationTable table, CancellationToken ct = default) =>
        RunAsync(() => inner.EnsureTableAsync(table, ct), ct);

    /// <summary>Applies changes unless the table was dropped since <paramref name="generation"/> (then: false, nothing written).</summary>
    public Task<bool> ApplyAsync(int generation, DestinationTable table, IReadOnlyList<RowChange> changes, string position,
        CancellationToken ct = default) =>
        RunAsync(async () =>
        {
            if (Generation(table.Id) != generation) return false;
            await inner.ApplyAsync(table, changes, position, ct);
            return true;
        }, ct);

    /// <summary>Writes reconciled chunk rows unless the table was dropped since <paramref name="generation"/>.</summary>
    public Task<bool> WriteChunkAsync(int generation, DestinationTable table, IReadOnlyList<object?[]> rows, CancellationToken ct = default) =>
        RunAsync(async () =>
        {
            if (Generation(table.Id) != generation) return false;
            await inner.WriteReconciledChunkAsync(table, rows, ct);
            return true;
        }, ct);

    /// <summary>Drops the table and returns its new generation.</summary>
    public Task<int> DropTableAsync(TableId table, CancellationToken ct = default) =>
        RunAsync(async () =>
        {
            await inner.DropTableAsync(table, ct);
            lock (_generations)
            {
                var next = _generations.GetValueOrDefault(table) + 1;
                _generations[table] = next;
                return next;
            }
        }, ct);

    /// <summary>Those of <paramref name="tables"/> whose destination table does not exist (dropped by hand, or the file replaced).</summary>
    public Task<IReadOnlyList<TableId>> MissingTablesAsync(IEnumerable<TableId> tables, CancellationToken ct = default) =>
        RunAsync(async () =>
        {
            var missing = new List<TableId>();
            foreach (var table in tables)
            {
                if (!await inner.HasTableAsync(table, ct)) missing.Add(table);
            }
            return (IReadOnlyList<TableId>)missing;
        }, ct);

    public Task<string?> ReadPositionAsync(TableId table, CancellationToken ct = default) =>
        RunAsync(() => inner.ReadPositionAsync(table, ct), ct);

    private async Task RunAsync(Func<Task> action, CancellationToken ct) =>
        await RunAsync(async () => { await action(); return true; }, ct);

    private async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await action();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_disposed) return;
            _disposed = true;
            await inner.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}
