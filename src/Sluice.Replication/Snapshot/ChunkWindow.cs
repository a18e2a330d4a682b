using Sluice.Replication.Destinations;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;

namespace Sluice.Replication.Snapshot;

/// <summary>What <see cref="ChunkWindow.Reconcile"/> kept of a chunk.</summary>
/// <param name="Rows">The chunk rows to write (in chunk order).</param>
/// <param name="Dropped">How many chunk rows were dropped because a stream event touched their key.</param>
/// <param name="Touched">How many distinct keys stream events touched while the window was open.</param>
public sealed record ChunkReconciliation(IReadOnlyList<object?[]> Rows, int Dropped, int Touched);

/// <summary>
/// The DBLog-style reconciliation of one snapshot chunk with the change stream, for one table. Pure and single-threaded:
/// the table's merge step owns it.
/// <list type="number">
/// <item>When the stream reaches the chunk's low watermark: <see cref="Open"/>.</item>
/// <item>For every change of the table the stream applies while the window is open: <see cref="Record(RowChange)"/>
/// (the destination keys of its before and after images are remembered).</item>
/// <item>When the stream reaches the chunk's high watermark (the chunk was selected between the two watermarks):
/// <see cref="Reconcile"/> drops the chunk rows whose key was touched and closes the window; write the rest.</item>
/// </list>
/// A touched key's current state is the stream's to write (it applied, or will apply, the newer change), so the chunk
/// must not overwrite it with what it read: an update keeps the updated value, a deleted row does not come back, a row
/// inserted in the chunk's range is written once by the stream. Keys outside the chunk are recorded too; they match no
/// chunk row and cost only memory for the window's duration.
/// <para>
/// Keys are destination keys in canonical values: the primary key cells, or for tables without a primary key the row's
/// identity (<see cref="CanonicalValues.Hash"/> of all cells, as <c>_fivetran_id</c>). For such tables identical
/// rows share a key: a change to one of several identical rows drops all of them from the chunk, the same
/// collapsing <c>_fivetran_id</c> applies in the destination.
/// </para>
/// </summary>
public sealed class ChunkWindow(DestinationTable table)
{
    private readonly HashSet<RowKey> _touched = [];
    private readonly DestinationTypeKind[] _types = table.Columns.Select(c => c.Type.Kind).ToArray();

    public DestinationTable Table { get; } = table;

    public bool IsOpen { get; private set; }

    /// <summary>Distinct keys recorded since <see cref="Open"/>.</summary>
    public int TouchedCount => _touched.Count;

    /// <summary>Opens the window (at the low watermark). Throws when it is already open.</summary>
    public void Open()
    {
        if (IsOpen) throw new InvalidOperationException($"table {Table.Id}: a chunk window is already open");
        _touched.Clear();
        IsOpen = true;
    }

    /// <summary>Closes the window without reconciling (the chunk was abandoned, e.g. its read failed).</summary>
    public void Abandon()
    {
        IsOpen = false;
        _touched.Clear();
    }

    /// <summary>Records the keys a stream change touches; false (nothing recorded) when the window is closed.</summary>
    public bool Record(RowChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!IsOpen) return false;
        if (change.Kind == RowChangeKind.DeleteByKey && !Table.HasPrimaryKey)
        {
            throw new ArgumentException($"table {Table.Id} has no primary key: a delete needs the whole row");
        }
        _touched.Add(KeyOf(change.Row));
        if (change.Before is { } before) _touched.Add(KeyOf(before));
        return true;
    }

    /// <summary>Records the key of one canonical row (a full row; for primary key tables only the key cells are read).</summary>
    public bool Record(object?[] row)
    {
        if (!IsOpen) return false;
        _touched.Add(KeyOf(row));
        return true;
    }

    /// <summary>Whether a key was touched while the window is open.</summary>
    public bool WasTouched(RowKey key) => _touched.Contains(key);

    /// <summary>The destination key of a canonical row.</summary>
    public RowKey KeyOf(object?[] row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Length != Table.Columns.Count)
        {
            throw new ArgumentException($"table {Table.Id}: a row has {row.Length} values for {Table.Columns.Count} columns");
        }
        if (!Table.HasPrimaryKey) return new RowKey(CanonicalValues.Hash(row, _types));
        var keys = Table.PrimaryKeyIndexes;
        var values = new object?[keys.Count];
        for (var i = 0; i < values.Length; i++) values[i] = row[keys[i]];
        return new RowKey(values);
    }

    /// <summary>Drops the chunk rows whose key was touched and closes the window (at the high watermark).</summary>
    public ChunkReconciliation Reconcile(IReadOnlyList<object?[]> chunkRows)
    {
        ArgumentNullException.ThrowIfNull(chunkRows);
        if (!IsOpen) throw new InvalidOperationException($"table {Table.Id}: no chunk window is open");
        var touched = _touched.Count;
        List<object?[]> kept;
        if (touched == 0)
        {
            kept = [.. chunkRows];
        }
        else
        {
            kept = new List<object?[]>(chunkRows.Count);
            foreach (var row in chunkRows)
            {
                if (!_touched.Contains(KeyOf(row))) kept.Add(row);
            }
        }
        Abandon();
        return new ChunkReconciliation(kept, chunkRows.Count - kept.Count, touched);
    }
}
