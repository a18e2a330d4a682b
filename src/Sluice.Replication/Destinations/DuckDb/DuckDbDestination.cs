using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;

namespace Sluice.Replication.Destinations.DuckDb;

/// <summary>
/// A DuckDB file destination: one DuckDB schema per source schema, one table per source table (source naming), the
/// mapped columns plus <c>_fivetran_synced</c> (TIMESTAMPTZ), <c>_fivetran_deleted</c> (BOOLEAN) and, for tables
/// without a primary key, <c>_fivetran_id</c> (VARCHAR key: <see cref="CanonicalValues.Hash"/> of the stored values)
/// and <c>_fivetran_index</c> (BIGINT, one more for every change applied to the table).
/// <para>
/// A batch is reduced to the last change per key, staged with the appender into the table's TEMP staging table
/// (created once, emptied after each merge) and merged with one <c>INSERT … ON CONFLICT DO UPDATE</c> inside one
/// transaction that also upserts <c>_sluice.positions</c>. Snapshot rows are first appended straight into the table
/// and merged that way only when one of their keys exists already (see <see cref="ApplyCoreAsync"/>). The connection
/// runs DuckDB with one thread and <c>preserve_insertion_order = false</c>.
/// </para>
/// </summary>
public sealed class DuckDbDestination : IDestination
{
    private readonly DuckDBConnection _connection;
    private readonly DestinationOptions _options;
    private readonly string _catalog;
    private readonly string _ledger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<TableId, TableState> _tables = [];
    private int _stageCounter;

    /// <summary>
    /// What this instance knows of a destination table: its physical types, its TEMP staging table (created once,
    /// emptied after each merge), whether its layout allows appending snapshot rows straight into it, and its
    /// <c>_sluice.positions</c> row as last committed by this instance (the one writer of the file).
    /// </summary>
    private sealed class TableState(DestinationType[] types, string stage, bool direct)
    {
        public DestinationType[] Types { get; } = types;
        public string Stage { get; } = stage;
        public bool Direct { get; } = direct;
        public bool PositionKnown { get; set; }
        public string? Position { get; set; }
        public long NextIndex { get; set; }
    }

    private DuckDbDestination(DuckDBConnection connection, DestinationOptions options, string catalog)
    {
        _connection = connection;
        _options = options;
        _catalog = catalog;
        _ledger = Quote(catalog) + "." + Quote(LedgerSchema) + "." + Quote(LedgerTable);
    }

    /// <summary>The schema of Sluice's bookkeeping in the destination file; no source schema may use it.</summary>
    public const string LedgerSchema = "_sluice";

    /// <summary>The ledger table: one row per destination table with its recorded position and next index.</summary>
    public const string LedgerTable = "positions";

    /// <summary>Called with a step name during <see cref="ApplyAsync"/> (tests inject failures with it).</summary>
    internal Action<string>? StepHook { get; set; }

    internal DuckDBConnection Connection => _connection;

    /// <summary>Opens (creating if needed) a DuckDB database file and its <c>_sluice.positions</c> table.</summary>
    public static async Task<DuckDbDestination> OpenAsync(string path, DestinationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var connection = DuckDbFiles.Connection(path);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var destination = new DuckDbDestination(connection, options ?? new DestinationOptions(), CatalogOf(connection));
            destination.Execute("SET TimeZone = 'UTC'");
            // Merges do not depend on insertion order (the last change per key is chosen before staging); without it
            // DuckDB may parallelise inserts and buffers less.
            destination.Execute("SET preserve_insertion_order = false");
            // One writer thread: appends and merges of one batch gain little from more, and the CPU is shared with
            // the source reads and the binlog decoding running beside them (measured: the same rate for 2/3 of the CPU).
            destination.Execute("SET threads = 1");
            destination.Execute($"CREATE SCHEMA IF NOT EXISTS {Quote(destination._catalog)}.{Quote(LedgerSchema)}");
            destination.Execute(
                $"CREATE TABLE IF NOT EXISTS {destination._ledger} (schema_name VARCHAR NOT NULL, table_name VARCHAR NOT NULL, " +
                "position VARCHAR NOT NULL, updated_at TIMESTAMPTZ NOT NULL, next_index BIGINT NOT NULL, " +
                "PRIMARY KEY (schema_name, table_name))");
            return destination;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The name DuckDB gives the file's database (its catalog: the file name's stem, e.g. <c>shop</c> for
    /// <c>shop.duckdb</c>). Every statement names tables as catalog.schema.table: with only schema.table, a source
    /// schema named like the file (or like one of DuckDB's own catalogs, <c>temp</c> or <c>system</c>) would be ambiguous.
    /// </summary>
    public static string CatalogOf(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_database()";
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a DuckDB file holding Sluice's ledger (<c>_sluice.positions</c>), checked
    /// read-only without creating anything: false when the file or its ledger is gone (deleted between two runs), so
    /// the caller can copy everything again or refuse instead of reporting an empty file as a success.
    /// </summary>
    public static async Task<bool> HasLedgerAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) return false;
        await using var connection = DuckDbFiles.Connection(path, readOnly: true);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() " +
                              $"AND schema_name = {Literal(LedgerSchema)} AND table_name = {Literal(LedgerTable)}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
    }

    /// <inheritdoc />
    public async Task<bool> HasTableAsync(TableId table, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return ActualLayout(table).Count > 0;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }

    public async Task EnsureTableAsync(DestinationTable table, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            EnsureTable(table);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string?> ReadPositionAsync(TableId table, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return ReadPositionRow(table).Position;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<ApplyOutcome> WriteSnapshotChunkAsync(DestinationTable table, IReadOnlyList<object?[]> rows, string position,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(position);
        return ApplyCoreAsync(table, null, rows, position, cancellationToken);
    }

    public Task<ApplyOutcome> ApplyAsync(DestinationTable table, IReadOnlyList<RowChange> changes, string position,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(position);
        return ApplyCoreAsync(table, changes, null, position, cancellationToken);
    }

    public async Task WriteReconciledChunkAsync(DestinationTable table, IReadOnlyList<object?[]> rows,
        CancellationToken cancellationToken = default) =>
        await ApplyCoreAsync(table, null, rows, position: null, cancellationToken);

    public async Task DropTableAsync(TableId table, CancellationToken cancellationToken = default)
    {
        RefuseLedgerSchema(table);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Execute("BEGIN TRANSACTION");
            try
            {
                Execute($"DROP TABLE IF EXISTS {Qualified(table)}");
                Execute($"DELETE FROM {_ledger} WHERE schema_name = {Literal(table.Schema)} AND table_name = {Literal(table.Name)}");
                Execute("COMMIT");
            }
            catch
            {
                try
                {
                    Execute("ROLLBACK");
                }
                catch (DuckDBException)
                {
                    // The transaction may already be aborted; the original error matters.
                }
                throw;
            }
            if (_tables.Remove(table, out var state))
            {
                try
                {
                    Execute($"DROP TABLE IF EXISTS temp.main.{state.Stage}");
                }
                catch (DuckDBException)
                {
                    // Only a leftover empty TEMP table; it goes with the connection.
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies <paramref name="changes"/>, or upserts <paramref name="snapshotRows"/>, in one transaction. With a
    /// <paramref name="position"/>: skipped when the table already recorded it (or a later one), else recorded. Without:
    /// always applied, the recorded position untouched (only <c>next_index</c> advances).
    /// <para>
    /// Snapshot rows are first tried with the appender straight into the table: while a table is being copied its
    /// chunk's key range usually holds no row yet. Any key already present (a chunk copied again after a restart, a row
    /// the stream inserted first, two source keys with one canonical value) is a constraint error: that transaction is
    /// rolled back and the chunk merged through staging instead. A table with a primary key appends them from the rows
    /// as they are (no per-row change or staging record: the snapshot's hot path).
    /// </para>
    /// </summary>
    private async Task<ApplyOutcome> ApplyCoreAsync(DestinationTable table, IReadOnlyList<RowChange>? changes,
        IReadOnlyList<object?[]>? snapshotRows, string? position, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var state = EnsureTable(table);
            var count = snapshotRows?.Count ?? changes!.Count;
            var direct = snapshotRows is not null && state.Direct && count > 0;
            // Rows with a key append as they are; others (no key: _fivetran_id and identical-row collapse) are expanded.
            var rowsAsTheyAre = direct && table.HasPrimaryKey;
            if (!rowsAsTheyAre) changes ??= snapshotRows!.Select(RowChange.Upsert).ToList();
            // Appended straight, a key given twice is a constraint error like an existing one (then merged, deduplicated).
            List<StagedRow> staged = rowsAsTheyAre ? [] : Expand(table, changes!, dedupeKeys: !direct);
            while (true)
            {
                Execute("BEGIN TRANSACTION");
                var directFailed = false;
                try
                {
                    var (recorded, nextIndex) = PositionOf(state, table.Id);
                    if (position is not null && recorded is not null && AlreadyApplied(position, recorded))
                    {
                        Execute("ROLLBACK");
                        return ApplyOutcome.AlreadyApplied;
                    }

                    var now = _options.Clock.GetUtcNow().UtcDateTime;
                    now = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc); // DuckDB keeps microseconds
                    if (direct)
                    {
                        try
                        {
                            if (rowsAsTheyAre) AppendRows(table, state, snapshotRows!, now);
                            else AppendDirect(table, state, staged, nextIndex, now);
                        }
                        catch (DuckDBException)
                        {
                            directFailed = true;
                            throw;
                        }
                        StepHook?.Invoke("staged");
                        StepHook?.Invoke("merged");
                    }
                    else if (staged.Count > 0)
                    {
                        Stage(table, state, staged, nextIndex);
                        StepHook?.Invoke("staged");
                        Merge(table, state, staged, now);
                        StepHook?.Invoke("merged");
                        Execute($"DELETE FROM temp.main.{state.Stage}");
                    }

                    var newNext = table.HasPrimaryKey ? nextIndex : nextIndex + staged.Count;
                    // A write without position keeps the recorded one ('' when none: ReadPositionAsync reports null).
                    var newPosition = position ?? recorded ?? "";
                    Execute(
                        $"INSERT INTO {_ledger} VALUES (" +
                        $"{Literal(table.Id.Schema)}, {Literal(table.Id.Name)}, {Literal(newPosition)}, {TimestampLiteral(now)}, {newNext}) " +
                        "ON CONFLICT (schema_name, table_name) DO UPDATE SET position = EXCLUDED.position, " +
                        "updated_at = EXCLUDED.updated_at, next_index = EXCLUDED.next_index");
                    StepHook?.Invoke("position-recorded");
                    Execute("COMMIT");
                    state.Position = newPosition.Length == 0 ? null : newPosition;
                    state.NextIndex = newNext;
                    state.PositionKnown = true;
                    return ApplyOutcome.Applied;
                }
                catch
                {
                    state.PositionKnown = false;
                    try
                    {
                        Execute("ROLLBACK");
                    }
                    catch (DuckDBException)
                    {
                        // The transaction may already be aborted; the original error matters.
                    }
                    if (!directFailed) throw;
                }
                direct = false; // a key of the chunk exists already: merge it
                rowsAsTheyAre = false;
                changes ??= snapshotRows!.Select(RowChange.Upsert).ToList();
                staged = Expand(table, changes, dedupeKeys: true);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private (string? Position, long NextIndex) PositionOf(TableState state, TableId table)
    {
        if (!state.PositionKnown)
        {
            (state.Position, state.NextIndex) = ReadPositionRow(table);
            state.PositionKnown = true;
        }
        return (state.Position, state.NextIndex);
    }

    private bool AlreadyApplied(string position, string recorded) =>
        _options.PositionComparer is { } comparer
            ? comparer.Compare(position, recorded) <= 0
            : string.Equals(position, recorded, StringComparison.Ordinal);

    /// <summary>One row to stage: the stored (hashed) values, whether it marks the row deleted, whether only its key is known.</summary>
    private readonly record struct StagedRow(object?[] Values, bool Deleted, bool KeyOnly, string? FivetranId);

    /// <summary>
    /// The rows to write, one per key (the last change of each key wins): a table with primary key by its key values
    /// (<see cref="RowKey"/> equality; only with <paramref name="dedupeKeys"/>), one without by <c>_fivetran_id</c>,
    /// keeping the order of those last changes.
    /// </summary>
    private List<StagedRow> Expand(DestinationTable table, IReadOnlyList<RowChange> changes, bool dedupeKeys)
    {
        var hashing = _options.Hashing;
        var hashed = table.Columns.Select(c => hashing?.IsHashed(table.Id, c.Name) == true).ToArray();
        var anyHashed = hashed.Contains(true);
        var types = table.Columns.Select((c, i) => hashed[i] ? DestinationTypeKind.String : c.Type.Kind).ToArray();
        var keyIndexes = table.PrimaryKeyIndexes.ToArray();
        var result = new List<StagedRow>(changes.Count);

        object?[] Stored(object?[] row, string what)
        {
            if (row.Length != table.Columns.Count)
            {
                throw new ArgumentException(
                    $"table {table.Id}: {what} has {row.Length} values for {table.Columns.Count} columns");
            }
            if (!anyHashed) return row;
            var copy = (object?[])row.Clone();
            for (var i = 0; i < copy.Length; i++)
            {
                if (hashed[i] && copy[i] is { } value)
                {
                    copy[i] = CanonicalValues.SaltedHash(value, table.Columns[i].Type.Kind, hashing!.Salt.Span);
                }
            }
            return copy;
        }

        void Add(object?[] stored, bool deleted, bool keyOnly) =>
            result.Add(new StagedRow(stored, deleted, keyOnly, table.HasPrimaryKey ? null : CanonicalValues.Hash(stored, types)));

        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case RowChangeKind.Upsert:
                    Add(Stored(change.Row, "an upsert"), deleted: false, keyOnly: false);
                    break;
                case RowChangeKind.Delete:
                    Add(Stored(change.Row, "a delete"), deleted: true, keyOnly: false);
                    break;
                case RowChangeKind.DeleteByKey:
                    if (!table.HasPrimaryKey)
                    {
                        throw new ArgumentException($"table {table.Id} has no primary key: a delete needs the whole row");
                    }
                    Add(Stored(change.Row, "a delete"), deleted: true, keyOnly: true);
                    break;
                case RowChangeKind.Update:
                {
                    var before = Stored(change.Before ?? throw new ArgumentException($"table {table.Id}: an update needs its before image"), "an update's before image");
                    var after = Stored(change.Row, "an update");
                    var sameKey = table.HasPrimaryKey && Array.TrueForAll(keyIndexes, i => CanonicalValues.KeyEquals(before[i], after[i]));
                    if (!sameKey) Add(before, deleted: true, keyOnly: false);
                    Add(after, deleted: false, keyOnly: false);
                    break;
                }
                default:
                    throw new ArgumentException($"unknown change kind {change.Kind}");
            }
        }

        if (!table.HasPrimaryKey)
        {
            // Identical rows share a _fivetran_id: keep each id's last change, in the order of those last changes, so
            // every surviving change takes the next _fivetran_index (identical snapshot rows collapse to one row).
            var last = new Dictionary<string, int>(result.Count, StringComparer.Ordinal);
            for (var i = 0; i < result.Count; i++) last[result[i].FivetranId!] = i;
            if (last.Count != result.Count)
            {
                result = result.Where((row, i) => last[row.FivetranId!] == i).ToList();
            }
        }
        else if (dedupeKeys && result.Count > 1)
        {
            var last = new Dictionary<RowKey, int>(result.Count);
            for (var i = 0; i < result.Count; i++)
            {
                var values = result[i].Values;
                var key = new object?[keyIndexes.Length];
                for (var k = 0; k < key.Length; k++) key[k] = values[keyIndexes[k]];
                last[new RowKey(key)] = i;
            }
            if (last.Count != result.Count)
            {
                var keep = new bool[result.Count];
                foreach (var i in last.Values) keep[i] = true;
                result = result.Where((_, i) => keep[i]).ToList();
            }
        }
        return result;
    }

    /// <summary>Snapshot rows appended straight into the table (see <see cref="ApplyCoreAsync"/>).</summary>
    private void AppendDirect(DestinationTable table, TableState state, List<StagedRow> rows, long nextIndex, DateTime now)
    {
        var types = state.Types;
        using var appender = _connection.CreateAppender(_catalog, table.Id.Schema, table.Id.Name);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var line = appender.CreateRow();
            AppendValues(table, types, line, row, physical: true);
            line.AppendValue((DateTime?)now).AppendValue((bool?)false);
            if (!table.HasPrimaryKey) line.AppendValue(row.FivetranId).AppendValue((long?)(nextIndex + r));
            line.EndRow();
        }
        appender.Close();
    }

    /// <summary>
    /// Snapshot rows of a table with a primary key appended straight into it, hashed columns hashed on the way (what
    /// <see cref="Expand"/> and <see cref="AppendDirect"/> do, without a record per row).
    /// </summary>
    private void AppendRows(DestinationTable table, TableState state, IReadOnlyList<object?[]> rows, DateTime now)
    {
        var types = state.Types;
        var hashing = _options.Hashing;
        bool[]? hashed = null;
        if (hashing is not null)
        {
            hashed = table.Columns.Select(c => hashing.IsHashed(table.Id, c.Name)).ToArray();
            if (!hashed.Contains(true)) hashed = null;
        }
        var synced = (DateTime?)now;
        using var appender = _connection.CreateAppender(_catalog, table.Id.Schema, table.Id.Name);
        foreach (var values in rows)
        {
            if (values.Length != types.Length)
            {
                throw new ArgumentException($"table {table.Id}: an upsert has {values.Length} values for {table.Columns.Count} columns");
            }
            var line = appender.CreateRow();
            for (var i = 0; i < types.Length; i++)
            {
                var value = values[i];
                if (value is null)
                {
                    line.AppendNullValue();
                    continue;
                }
                if (hashed is not null && hashed[i]) value = CanonicalValues.SaltedHash(value, table.Columns[i].Type.Kind, hashing!.Salt.Span);
                try
                {
                    AppendCell(line, types[i], value, physical: true);
                }
                catch (Exception ex) when (ex is InvalidCastException or OverflowException or ArgumentException or FormatException)
                {
                    throw new ArgumentException(
                        $"table {table.Id}: column {table.Columns[i].Name} ({types[i]}) cannot hold a {value.GetType().Name} value: {ex.Message}", ex);
                }
            }
            line.AppendValue(synced).AppendValue((bool?)false);
            line.EndRow();
        }
        appender.Close();
    }

    private void Stage(DestinationTable table, TableState state, List<StagedRow> rows, long nextIndex)
    {
        var types = state.Types;
        using var appender = _connection.CreateAppender("temp", "main", state.Stage);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var line = appender.CreateRow()
                .AppendValue((bool?)row.Deleted)
                .AppendValue((bool?)row.KeyOnly)
                .AppendValue(row.FivetranId)
                .AppendValue(table.HasPrimaryKey ? null : (long?)(nextIndex + r));
            AppendValues(table, types, line, row, physical: false);
            line.EndRow();
        }
        appender.Close();
    }

    private static void AppendValues(DestinationTable table, DestinationType[] types, IDuckDBAppenderRow line, StagedRow row, bool physical)
    {
        for (var i = 0; i < types.Length; i++)
        {
            var value = row.Values[i];
            if (value is null || (row.KeyOnly && !table.Columns[i].IsPrimaryKey))
            {
                line.AppendNullValue();
                continue;
            }
            try
            {
                AppendCell(line, types[i], value, physical);
            }
            catch (Exception ex) when (ex is InvalidCastException or OverflowException or ArgumentException or FormatException)
            {
                throw new ArgumentException(
                    $"table {table.Id}: column {table.Columns[i].Name} ({types[i]}) cannot hold a {value.GetType().Name} value: {ex.Message}", ex);
            }
        }
    }

    private static void AppendCell(IDuckDBAppenderRow line, DestinationType type, object value, bool physical)
    {
        switch (type.Kind)
        {
            case DestinationTypeKind.Boolean: line.AppendValue((bool?)(bool)value); break;
            case DestinationTypeKind.Integer:
                line.AppendValue((int?)(value is long l ? checked((int)l) : checked((int)Convert.ToInt64(value, CultureInfo.InvariantCulture))));
                break;
            case DestinationTypeKind.Long:
                line.AppendValue((long?)(value is long v ? v : Convert.ToInt64(value, CultureInfo.InvariantCulture)));
                break;
            case DestinationTypeKind.BigDecimal when DuckDbTypes.IsNativeDecimal(type):
                line.AppendValue((decimal?)(value switch
                {
                    decimal d => d,
                    string text => decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
                    _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
                }));
                break;
            case DestinationTypeKind.BigDecimal: line.AppendValue(CanonicalValues.BigDecimalText(value)); break;
            case DestinationTypeKind.Double:
                line.AppendValue((double?)(value is double f ? f : Convert.ToDouble(value, CultureInfo.InvariantCulture)));
                break;
            case DestinationTypeKind.String or DestinationTypeKind.Json: AppendText(line, (string)value); break;
            case DestinationTypeKind.Binary: line.AppendValue((byte[])value); break;
            case DestinationTypeKind.Date: line.AppendValue((DateOnly?)(DateOnly)value); break;
            case DestinationTypeKind.TimestampNtz:
                line.AppendValue((DateTime?)DateTime.SpecifyKind((DateTime)value, DateTimeKind.Unspecified));
                break;
            case DestinationTypeKind.Timestamp:
                // Staged as TIMESTAMP (UTC wall clock); the TIMESTAMPTZ column itself takes the UTC instant.
                line.AppendValue((DateTime?)DateTime.SpecifyKind((DateTime)value, physical ? DateTimeKind.Utc : DateTimeKind.Unspecified));
                break;
            default: throw new ArgumentException($"unknown destination type {type}");
        }
    }

    /// <summary>
    /// Appends text to a VARCHAR column. The appender hands a .NET string to DuckDB as a NUL-terminated C string, so
    /// text holding U+0000 (which MySQL text may contain) would be cut there; such text is handed over as its UTF-8
    /// bytes with their length instead, which DuckDB stores in the VARCHAR as they are.
    /// </summary>
    private static void AppendText(IDuckDBAppenderRow line, string text)
    {
        if (text.Contains('\0', StringComparison.Ordinal)) line.AppendValue(Encoding.UTF8.GetBytes(text));
        else line.AppendValue(text);
    }

    private void Merge(DestinationTable table, TableState state, List<StagedRow> rows, DateTime now)
    {
        var types = state.Types;
        var target = Qualified(table.Id);
        var stage = "temp.main." + state.Stage;
        var synced = TimestampLiteral(now);
        var columnList = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
        var castList = string.Join(", ", types.Select((t, i) => Cast("c" + i, t)));

        // Expand left one row per key: no duplicate reaches ON CONFLICT.
        if (!table.HasPrimaryKey)
        {
            Execute(
                $"INSERT INTO {target} ({columnList}, {Quote(SystemColumns.Synced)}, {Quote(SystemColumns.Deleted)}, " +
                $"{Quote(SystemColumns.Id)}, {Quote(SystemColumns.Index)}) " +
                $"SELECT {castList}, {synced}, d, fid, fidx FROM {stage} " +
                $"ON CONFLICT ({Quote(SystemColumns.Id)}) DO UPDATE SET " +
                $"{Quote(SystemColumns.Synced)} = EXCLUDED.{Quote(SystemColumns.Synced)}, " +
                $"{Quote(SystemColumns.Deleted)} = EXCLUDED.{Quote(SystemColumns.Deleted)}, " +
                $"{Quote(SystemColumns.Index)} = EXCLUDED.{Quote(SystemColumns.Index)}");
            return;
        }

        var keyColumns = string.Join(", ", table.PrimaryKeyIndexes.Select(i => Quote(table.Columns[i].Name)));
        var systemUpdate =
            $"{Quote(SystemColumns.Synced)} = EXCLUDED.{Quote(SystemColumns.Synced)}, " +
            $"{Quote(SystemColumns.Deleted)} = EXCLUDED.{Quote(SystemColumns.Deleted)}";

        var keyOnly = rows.Exists(r => r.KeyOnly);
        if (!keyOnly || rows.Exists(r => !r.KeyOnly))
        {
            var updates = table.Columns.Where(c => !c.IsPrimaryKey)
                .Select(c => $"{Quote(c.Name)} = EXCLUDED.{Quote(c.Name)}")
                .Append(systemUpdate);
            Execute(
                $"INSERT INTO {target} ({columnList}, {Quote(SystemColumns.Synced)}, {Quote(SystemColumns.Deleted)}) " +
                $"SELECT {castList}, {synced}, d FROM {stage}{(keyOnly ? " WHERE NOT k" : "")} " +
                $"ON CONFLICT ({keyColumns}) DO UPDATE SET {string.Join(", ", updates)}");
        }
        if (keyOnly)
        {
            // Deletes known only by key keep the existing row's values (or add a row of NULLs marked deleted).
            var keyCasts = string.Join(", ", table.PrimaryKeyIndexes.Select(i => Cast("c" + i, types[i])));
            Execute(
                $"INSERT INTO {target} ({keyColumns}, {Quote(SystemColumns.Synced)}, {Quote(SystemColumns.Deleted)}) " +
                $"SELECT {keyCasts}, {synced}, d FROM {stage} WHERE k " +
                $"ON CONFLICT ({keyColumns}) DO UPDATE SET {systemUpdate}");
        }
    }

    private DestinationType[] PhysicalTypes(DestinationTable table) =>
        table.Columns.Select(c => _options.Hashing?.TypeOf(table.Id, c) ?? c.Type).ToArray();

    private static string Cast(string stageColumn, DestinationType type) =>
        DuckDbTypes.Staging(type) != DuckDbTypes.Physical(type) ? $"CAST({stageColumn} AS {DuckDbTypes.Physical(type)})" : stageColumn;

    private TableState EnsureTable(DestinationTable table)
    {
        if (_tables.TryGetValue(table.Id, out var known)) return known;
        if (table.Columns.Count == 0) throw new ArgumentException($"table {table.Id} has no columns to replicate");
        RefuseLedgerSchema(table.Id);
        if (table.Columns.FirstOrDefault(c => IsSystemColumnName(c.Name)) is { } clash)
        {
            throw new Errors.ReplicationActionRequiredException(
                $"table {table.Id}: the source column {clash.Name} has the name of a column Sluice adds to every destination table; " +
                $"exclude it (excludeColumns: [\"{table.Id.Schema}.{table.Id.Name}.{clash.Name}\"]) or rename it at the source");
        }
        var types = PhysicalTypes(table);
        var expected = new List<(string Name, string Type)>();
        var sql = new StringBuilder();
        sql.Append("CREATE TABLE IF NOT EXISTS ").Append(Qualified(table.Id)).Append(" (");
        for (var i = 0; i < types.Length; i++)
        {
            sql.Append(Quote(table.Columns[i].Name)).Append(' ').Append(DuckDbTypes.Physical(types[i])).Append(", ");
            expected.Add((table.Columns[i].Name, DuckDbTypes.Physical(types[i])));
        }
        sql.Append(Quote(SystemColumns.Synced)).Append(" TIMESTAMPTZ, ");
        sql.Append(Quote(SystemColumns.Deleted)).Append(" BOOLEAN");
        expected.Add((SystemColumns.Synced, "TIMESTAMPTZ"));
        expected.Add((SystemColumns.Deleted, "BOOLEAN"));
        if (table.HasPrimaryKey)
        {
            sql.Append(", PRIMARY KEY (")
               .Append(string.Join(", ", table.PrimaryKeyIndexes.Select(i => Quote(table.Columns[i].Name))))
               .Append(')');
        }
        else
        {
            sql.Append(", ").Append(Quote(SystemColumns.Id)).Append(" VARCHAR PRIMARY KEY, ")
               .Append(Quote(SystemColumns.Index)).Append(" BIGINT");
            expected.Add((SystemColumns.Id, "VARCHAR"));
            expected.Add((SystemColumns.Index, "BIGINT"));
        }
        sql.Append(')');
        Execute($"CREATE SCHEMA IF NOT EXISTS {Quote(_catalog)}.{Quote(table.Id.Schema)}");
        Execute(sql.ToString());
        var actual = ActualLayout(table.Id);
        var missing = expected.Where(e => !actual.Any(a => string.Equals(a.Name, e.Name, StringComparison.OrdinalIgnoreCase)))
            .Select(e => e.Name).ToList();
        if (missing.Count > 0)
        {
            throw new Errors.ReplicationActionRequiredException(
                $"destination table {table.Id} in {_connection.DataSource} has a conflicting definition: it lacks the column(s) " +
                $"{string.Join(", ", missing)} (a table of that name was made by hand or by another tool); drop or rename it " +
                "in the destination, or choose another destination file");
        }

        // Direct appends need the table to be exactly the layout above (an older file may differ) and every type to
        // take the appender's value as is.
        var direct = types.All(DuckDbTypes.AppendsDirectly) && actual.SequenceEqual(expected);

        var stage = "_sluice_stage_" + (++_stageCounter).ToString(CultureInfo.InvariantCulture);
        var stageSql = new StringBuilder($"CREATE OR REPLACE TEMP TABLE {stage} (d BOOLEAN, k BOOLEAN, fid VARCHAR, fidx BIGINT");
        for (var i = 0; i < types.Length; i++) stageSql.Append(", c").Append(i).Append(' ').Append(DuckDbTypes.Staging(types[i]));
        stageSql.Append(')');
        Execute(stageSql.ToString());

        var state = new TableState(types, stage, direct);
        _tables.Add(table.Id, state);
        return state;
    }

    /// <summary>
    /// A source table in the ledger's schema (<c>_sluice</c>, compared case-insensitively as DuckDB does) would share it
    /// with Sluice's bookkeeping, and <c>_sluice.positions</c> would be the ledger itself: such a table is refused (needs
    /// action) before anything is created or dropped.
    /// </summary>
    private static void RefuseLedgerSchema(TableId table)
    {
        if (!string.Equals(table.Schema, LedgerSchema, StringComparison.OrdinalIgnoreCase)) return;
        throw new Errors.ReplicationActionRequiredException(
            $"table {table}: the source schema {table.Schema} has the name of the schema where Sluice keeps its own " +
            $"bookkeeping in the destination ({LedgerSchema}.{LedgerTable}); exclude it (excludeSchemas: [\"{table.Schema}\"]) " +
            "or rename it at the source");
    }

    /// <summary>Whether <paramref name="name"/> is one of the system columns (case-insensitive, as DuckDB compares names).</summary>
    public static bool IsSystemColumnName(string name) =>
        string.Equals(name, SystemColumns.Synced, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, SystemColumns.Deleted, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, SystemColumns.Id, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, SystemColumns.Index, StringComparison.OrdinalIgnoreCase);

    /// <summary>The table's columns and their types as DuckDB names them (TIMESTAMPTZ for TIMESTAMP WITH TIME ZONE).</summary>
    private List<(string Name, string Type)> ActualLayout(TableId table)
    {
        using var command = _connection.CreateCommand();
        command.CommandText =
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() " +
            $"AND schema_name = {Literal(table.Schema)} AND table_name = {Literal(table.Name)} ORDER BY column_index";
        using var reader = command.ExecuteReader();
        var columns = new List<(string, string)>();
        while (reader.Read())
        {
            var type = reader.GetString(1);
            columns.Add((reader.GetString(0), type == "TIMESTAMP WITH TIME ZONE" ? "TIMESTAMPTZ" : type));
        }
        return columns;
    }

    private (string? Position, long NextIndex) ReadPositionRow(TableId table)
    {
        using var command = _connection.CreateCommand();
        command.CommandText =
            $"SELECT position, next_index FROM {_ledger} WHERE schema_name = {Literal(table.Schema)} AND table_name = {Literal(table.Name)}";
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return (null, 0);
        var position = reader.GetString(0);
        return (position.Length == 0 ? null : position, reader.GetInt64(1));
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A DuckDB identifier in double quotes (inner quotes doubled).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string QualifiedName(TableId table) => Quote(table.Schema) + "." + Quote(table.Name);

    /// <summary>catalog.schema.table, each quoted (see <see cref="CatalogOf"/>).</summary>
    public static string QualifiedName(string catalog, TableId table) => Quote(catalog) + "." + QualifiedName(table);

    private string Qualified(TableId table) => QualifiedName(_catalog, table);

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string TimestampLiteral(DateTime utc) =>
        "TIMESTAMPTZ '" + utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'";
}
