using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;

namespace Sluice.Replication.Destinations.DuckDb;

/// <summary>
/// A DuckDB file destination: one DuckDB schema per source schema, one table per source table (source naming), the
/// mapped columns plus <c>_fivetran_synced</c> (TIMESTAMPTZ), <c>_fivetran_deleted</c> (BOOLEAN) and, for tables
/// without a primary key, <c>_fivetran_id</c> (VARCHAR key: <see cref="CanonicalValues.Hash"/> of the stored values)
/// and <c>_fivetran_index</c> (BIGINT, one more for every change applied to the table).
/// <para>
/// A batch is staged with the appender into a TEMP table and merged with one <c>INSERT … ON CONFLICT DO UPDATE</c>
/// (the last change per key wins) inside one transaction that also upserts <c>_sluice.positions</c>.
/// </para>
/// </summary>
public sealed class DuckDbDestination : IDestination
{
    private const string StageTable = "_sluice_stage";
    private readonly DuckDBConnection _connection;
    private readonly DestinationOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<TableId> _ensured = [];

    private DuckDbDestination(DuckDBConnection connection, DestinationOptions options)
    {
        _connection = connection;
        _options = options;
    }

    /// <summary>Called with a step name during <see cref="ApplyAsync"/> (tests inject failures with it).</summary>
    internal Action<string>? StepHook { get; set; }

    internal DuckDBConnection Connection => _connection;

    /// <summary>Opens (creating if needed) a DuckDB database file and its <c>_sluice.positions</c> table.</summary>
    public static async Task<DuckDbDestination> OpenAsync(string path, DestinationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var connection = new DuckDBConnection("Data Source=" + path);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var destination = new DuckDbDestination(connection, options ?? new DestinationOptions());
            destination.Execute("SET TimeZone = 'UTC'");
            destination.Execute("CREATE SCHEMA IF NOT EXISTS _sluice");
            destination.Execute(
                "CREATE TABLE IF NOT EXISTS _sluice.positions (schema_name VARCHAR NOT NULL, table_name VARCHAR NOT NULL, " +
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
        CancellationToken cancellationToken = default) =>
        ApplyAsync(table, rows.Select(RowChange.Upsert).ToList(), position, cancellationToken);

    public Task<ApplyOutcome> ApplyAsync(DestinationTable table, IReadOnlyList<RowChange> changes, string position,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(position);
        return ApplyCoreAsync(table, changes, position, cancellationToken);
    }

    public async Task WriteReconciledChunkAsync(DestinationTable table, IReadOnlyList<object?[]> rows,
        CancellationToken cancellationToken = default) =>
        await ApplyCoreAsync(table, rows.Select(RowChange.Upsert).ToList(), position: null, cancellationToken);

    public async Task DropTableAsync(TableId table, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Execute("BEGIN TRANSACTION");
            try
            {
                Execute($"DROP TABLE IF EXISTS {QualifiedName(table)}");
                Execute($"DELETE FROM _sluice.positions WHERE schema_name = {Literal(table.Schema)} AND table_name = {Literal(table.Name)}");
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
            _ensured.Remove(table);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies <paramref name="changes"/> in one transaction. With a <paramref name="position"/>: skipped when the table
    /// already recorded it (or a later one), else recorded. Without: always applied, the recorded position untouched
    /// (only <c>next_index</c> advances).
    /// </summary>
    private async Task<ApplyOutcome> ApplyCoreAsync(DestinationTable table, IReadOnlyList<RowChange> changes, string? position,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            EnsureTable(table);
            var staged = Expand(table, changes);
            Execute("BEGIN TRANSACTION");
            try
            {
                var (recorded, nextIndex) = ReadPositionRow(table.Id);
                if (position is not null && recorded is not null && AlreadyApplied(position, recorded))
                {
                    Execute("ROLLBACK");
                    return ApplyOutcome.AlreadyApplied;
                }

                var now = _options.Clock.GetUtcNow().UtcDateTime;
                now = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc); // DuckDB keeps microseconds
                if (staged.Count > 0)
                {
                    Stage(table, staged, nextIndex);
                    StepHook?.Invoke("staged");
                    Merge(table, staged, now);
                    StepHook?.Invoke("merged");
                    Execute($"DROP TABLE temp.main.{StageTable}");
                }

                var newNext = table.HasPrimaryKey ? nextIndex : nextIndex + staged.Count;
                // A write without position keeps the recorded one ('' when none: ReadPositionAsync reports null).
                position ??= recorded ?? "";
                Execute(
                    "INSERT INTO _sluice.positions VALUES (" +
                    $"{Literal(table.Id.Schema)}, {Literal(table.Id.Name)}, {Literal(position)}, {TimestampLiteral(now)}, {newNext}) " +
                    "ON CONFLICT (schema_name, table_name) DO UPDATE SET position = EXCLUDED.position, " +
                    "updated_at = EXCLUDED.updated_at, next_index = EXCLUDED.next_index");
                StepHook?.Invoke("position-recorded");
                Execute("COMMIT");
                return ApplyOutcome.Applied;
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
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool AlreadyApplied(string position, string recorded) =>
        _options.PositionComparer is { } comparer
            ? comparer.Compare(position, recorded) <= 0
            : string.Equals(position, recorded, StringComparison.Ordinal);

    /// <summary>One row to stage: the stored (hashed) values, whether it marks the row deleted, whether only its key is known.</summary>
    private readonly record struct StagedRow(object?[] Values, bool Deleted, bool KeyOnly, string? FivetranId);

    private List<StagedRow> Expand(DestinationTable table, IReadOnlyList<RowChange> changes)
    {
        var hashing = _options.Hashing;
        var hashed = table.Columns.Select(c => hashing?.IsHashed(table.Id, c.Name) == true).ToArray();
        var types = table.Columns.Select((c, i) => hashed[i] ? DestinationTypeKind.String : c.Type.Kind).ToArray();
        var result = new List<StagedRow>(changes.Count);

        object?[] Stored(object?[] row, string what)
        {
            if (row.Length != table.Columns.Count)
            {
                throw new ArgumentException(
                    $"table {table.Id}: {what} has {row.Length} values for {table.Columns.Count} columns");
            }
            if (hashing is null || !hashed.Contains(true)) return row;
            var copy = (object?[])row.Clone();
            for (var i = 0; i < copy.Length; i++)
            {
                if (hashed[i] && copy[i] is { } value)
                {
                    copy[i] = CanonicalValues.SaltedHash(value, table.Columns[i].Type.Kind, hashing.Salt.Span);
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
                    var sameKey = table.HasPrimaryKey
                        && table.PrimaryKeyIndexes.All(i => CanonicalValues.KeyEquals(before[i], after[i]));
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
            var last = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < result.Count; i++) last[result[i].FivetranId!] = i;
            if (last.Count != result.Count)
            {
                result = result.Where((row, i) => last[row.FivetranId!] == i).ToList();
            }
        }
        return result;
    }

    private void Stage(DestinationTable table, List<StagedRow> rows, long nextIndex)
    {
        var types = PhysicalTypes(table);
        var sql = new StringBuilder($"CREATE OR REPLACE TEMP TABLE {StageTable} (s BIGINT, d BOOLEAN, k BOOLEAN, fid VARCHAR, fidx BIGINT");
        for (var i = 0; i < types.Length; i++) sql.Append(", c").Append(i).Append(' ').Append(DuckDbTypes.Staging(types[i]));
        sql.Append(')');
        Execute(sql.ToString());

        using var appender = _connection.CreateAppender("temp", "main", StageTable);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var line = appender.CreateRow()
                .AppendValue((long?)r)
                .AppendValue((bool?)row.Deleted)
                .AppendValue((bool?)row.KeyOnly)
                .AppendValue(row.FivetranId)
                .AppendValue(table.HasPrimaryKey ? null : (long?)(nextIndex + r));
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
                    AppendCell(line, types[i], value);
                }
                catch (Exception ex) when (ex is InvalidCastException or OverflowException or ArgumentException)
                {
                    throw new ArgumentException(
                        $"table {table.Id}: column {table.Columns[i].Name} ({types[i]}) cannot hold a {value.GetType().Name} value: {ex.Message}", ex);
                }
            }
            line.EndRow();
        }
    }

    private static void AppendCell(IDuckDBAppenderRow line, DestinationType type, object value)
    {
        switch (type.Kind)
        {
            case DestinationTypeKind.Boolean: line.AppendValue((bool?)(bool)value); break;
            case DestinationTypeKind.Integer: line.AppendValue((int?)checked((int)Convert.ToInt64(value, CultureInfo.InvariantCulture))); break;
            case DestinationTypeKind.Long: line.AppendValue((long?)Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case DestinationTypeKind.BigDecimal: line.AppendValue(CanonicalValues.BigDecimalText(value)); break;
            case DestinationTypeKind.Double: line.AppendValue((double?)Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case DestinationTypeKind.String or DestinationTypeKind.Json: line.AppendValue((string)value); break;
            case DestinationTypeKind.Binary: line.AppendValue((byte[])value); break;
            case DestinationTypeKind.Date: line.AppendValue((DateOnly?)(DateOnly)value); break;
            case DestinationTypeKind.TimestampNtz or DestinationTypeKind.Timestamp:
                line.AppendValue((DateTime?)DateTime.SpecifyKind((DateTime)value, DateTimeKind.Unspecified));
                break;
            default: throw new ArgumentException($"unknown destination type {type}");
        }
    }

    private void Merge(DestinationTable table, List<StagedRow> rows, DateTime now)
    {
        var types = PhysicalTypes(table);
        var target = QualifiedName(table.Id);
        var synced = TimestampLiteral(now);
        var columnList = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
        var castList = string.Join(", ", types.Select((t, i) => Cast("c" + i, t)));

        if (!table.HasPrimaryKey)
        {
            Execute(
                $"INSERT INTO {target} ({columnList}, {Quote(SystemColumns.Synced)}, {Quote(SystemColumns.Deleted)}, " +
                $"{Quote(SystemColumns.Id)}, {Quote(SystemColumns.Index)}) " +
                $"SELECT {castList}, {synced}, d, fid, fidx FROM " +
                $"(SELECT *, row_number() OVER (PARTITION BY fid ORDER BY s DESC) AS rn FROM temp.main.{StageTable}) WHERE rn = 1 " +
                $"ON CONFLICT ({Quote(SystemColumns.Id)}) DO UPDATE SET " +
                $"{Quote(SystemColumns.Synced)} = EXCLUDED.{Quote(SystemColumns.Synced)}, " +
                $"{Quote(SystemColumns.Deleted)} = EXCLUDED.{Quote(SystemColumns.Deleted)}, " +
                $"{Quote(SystemColumns.Index)} = EXCLUDED.{Quote(SystemColumns.Index)}");
            return;
        }

        var keyColumns = string.Join(", ", table.PrimaryKeyIndexes.Select(i => Quote(table.Columns[i].Name)));
        var keyStage = string.Join(", ", table.PrimaryKeyIndexes.Select(i => "c" + i));
        var latest = $"(SELECT *, row_number() OVER (PARTITION BY {keyStage} ORDER BY s DESC) AS rn FROM temp.main.{StageTable}) WHERE rn = 1";
        var systemUpdate =
            $"{Quote(SystemColumns.Synced)} = EXCLUDED.{Quote(SystemColumns.Synced)}, " +
            $"{Quote(SystemColumns.Deleted)} = EXCLUDED.{Quote(SystemColumns.Deleted)}";

        if (rows.Exists(r => !r.KeyOnly))
        {
            var updates = table.Columns.Where(c => !c.IsPrimaryKey)
                .Select(c => $"{Quote(c.Name)} = EXCLUDED.{Quote(c.Name)}")
                .Append(systemUpdate);
            Execute(
                $"INSERT INTO {target} ({columnList}, {Quote(SystemColumns.Synced)}, {Quote(SystemColumns.Deleted)}) " +
                $"SELECT {castList}, {synced}, d FROM {latest} AND NOT k " +
                $"ON CONFLICT ({keyColumns}) DO UPDATE SET {string.Join(", ", updates)}");
        }
        if (rows.Exists(r => r.KeyOnly))
        {
            // Deletes known only by key keep the existing row's values (or add a row of NULLs marked deleted).
            var keyCasts = string.Join(", ", table.PrimaryKeyIndexes.Select(i => Cast("c" + i, types[i])));
            Execute(
                $"INSERT INTO {target} ({keyColumns}, {Quote(SystemColumns.Synced)}, {Quote(SystemColumns.Deleted)}) " +
                $"SELECT {keyCasts}, {synced}, d FROM {latest} AND k " +
                $"ON CONFLICT ({keyColumns}) DO UPDATE SET {systemUpdate}");
        }
    }

    private DestinationType[] PhysicalTypes(DestinationTable table) =>
        table.Columns.Select(c => _options.Hashing?.TypeOf(table.Id, c) ?? c.Type).ToArray();

    private static string Cast(string stageColumn, DestinationType type) => type.Kind switch
    {
        DestinationTypeKind.BigDecimal or DestinationTypeKind.Json or DestinationTypeKind.Timestamp
            when DuckDbTypes.Staging(type) != DuckDbTypes.Physical(type) =>
            $"CAST({stageColumn} AS {DuckDbTypes.Physical(type)})",
        _ => stageColumn,
    };

    private void EnsureTable(DestinationTable table)
    {
        if (_ensured.Contains(table.Id)) return;
        if (table.Columns.Count == 0) throw new ArgumentException($"table {table.Id} has no columns to replicate");
        var types = PhysicalTypes(table);
        var sql = new StringBuilder();
        sql.Append("CREATE TABLE IF NOT EXISTS ").Append(QualifiedName(table.Id)).Append(" (");
        for (var i = 0; i < types.Length; i++)
        {
            sql.Append(Quote(table.Columns[i].Name)).Append(' ').Append(DuckDbTypes.Physical(types[i])).Append(", ");
        }
        sql.Append(Quote(SystemColumns.Synced)).Append(" TIMESTAMPTZ, ");
        sql.Append(Quote(SystemColumns.Deleted)).Append(" BOOLEAN");
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
        }
        sql.Append(')');
        Execute($"CREATE SCHEMA IF NOT EXISTS {Quote(table.Id.Schema)}");
        Execute(sql.ToString());
        _ensured.Add(table.Id);
    }

    private (string? Position, long NextIndex) ReadPositionRow(TableId table)
    {
        using var command = _connection.CreateCommand();
        command.CommandText =
            $"SELECT position, next_index FROM _sluice.positions WHERE schema_name = {Literal(table.Schema)} AND table_name = {Literal(table.Name)}";
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

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string TimestampLiteral(DateTime utc) =>
        "TIMESTAMPTZ '" + utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'";
}
