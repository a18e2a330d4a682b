using System.Data.Common;
using MySqlConnector;

namespace Sluice.Replication.Discovery;

/// <summary>
/// Finds the tables to replicate: every BASE TABLE the connected user can see in information_schema (which lists only
/// objects the user holds privileges on), outside the system schemas and the blocked objects, smallest first.
/// <para>
/// The queries use only information_schema columns that exist from MySQL 5.5 to 8.4 and in MariaDB (no
/// DATETIME_PRECISION, no CTEs, no window functions); MariaDB's JSON alias is recognised through CHECK_CONSTRAINTS when
/// that view exists.
/// </para>
/// </summary>
public static class SchemaDiscovery
{
    /// <summary>Schemas never replicated (compared case-insensitively): the server's own and the tool schemas below (docs/spec-coverage.md).</summary>
    public static IReadOnlySet<string> SystemSchemas { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "performance_schema", "information_schema", "mysql", "innodb", "looker_scratch", "percona", "tmp", "sys",
    };

    public static bool IsSystemSchema(string schema) => SystemSchemas.Contains(schema);

    private static readonly string SystemSchemaSqlList =
        string.Join(", ", SystemSchemas.Select(s => "'" + s.ToLowerInvariant() + "'"));

    /// <summary>Discovers the tables on an open connection, sorted by approximate size ascending.</summary>
    public static async Task<IReadOnlyList<SourceTable>> DiscoverAsync(
        MySqlConnection connection, DiscoveryFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= DiscoveryFilter.All;

        var tables = new Dictionary<TableId, (long Bytes, long Rows, string? Engine)>();
        var tableSql =
            "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH " +
            "FROM information_schema.TABLES " +
            $"WHERE TABLE_TYPE = 'BASE TABLE' AND LOWER(TABLE_SCHEMA) NOT IN ({SystemSchemaSqlList})";
        await QueryAsync(connection, tableSql, reader =>
        {
            var id = new TableId(reader.GetString(0), reader.GetString(1));
            if (!filter.IncludesTable(id)) return;
            var rows = ReadLong(reader, 3);
            var bytes = ReadLong(reader, 4) + ReadLong(reader, 5);
            tables[id] = (bytes, rows, reader.IsDBNull(2) ? null : reader.GetString(2));
        }, cancellationToken);
        if (tables.Count == 0) return [];

        var jsonColumns = await MariaDbJsonColumnsAsync(connection, cancellationToken);

        var primaryKeys = new Dictionary<(TableId, string), int>();
        var keySql =
            "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, SEQ_IN_INDEX FROM information_schema.STATISTICS " +
            $"WHERE INDEX_NAME = 'PRIMARY' AND LOWER(TABLE_SCHEMA) NOT IN ({SystemSchemaSqlList})";
        await QueryAsync(connection, keySql, reader =>
        {
            var id = new TableId(reader.GetString(0), reader.GetString(1));
            if (!tables.ContainsKey(id)) return;
            primaryKeys[(id, reader.GetString(2).ToLowerInvariant())] = (int)ReadLong(reader, 3);
        }, cancellationToken);

        var columns = new Dictionary<TableId, List<SourceColumn>>();
        var columnSql =
            "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, " +
            "CHARACTER_SET_NAME, COLLATION_NAME, NUMERIC_PRECISION, NUMERIC_SCALE, EXTRA " +
            "FROM information_schema.COLUMNS " +
            $"WHERE LOWER(TABLE_SCHEMA) NOT IN ({SystemSchemaSqlList}) " +
            "ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";
        await QueryAsync(connection, columnSql, reader =>
        {
            var id = new TableId(reader.GetString(0), reader.GetString(1));
            if (!tables.ContainsKey(id)) return;
            var name = reader.GetString(2);
            var dataType = reader.GetString(4).ToLowerInvariant();
            var columnType = reader.GetString(5);
            primaryKeys.TryGetValue((id, name.ToLowerInvariant()), out var keyOrdinal);
            var charset = reader.IsDBNull(7) ? null : reader.GetString(7);
            if (charset == "utf8") charset = "utf8mb3";
            var column = new SourceColumn(
                Name: name,
                Ordinal: (int)ReadLong(reader, 3),
                DataType: dataType,
                ColumnType: columnType,
                IsNullable: string.Equals(reader.GetString(6), "YES", StringComparison.OrdinalIgnoreCase),
                CharacterSet: charset,
                Collation: reader.IsDBNull(8) ? null : reader.GetString(8),
                NumericPrecision: reader.IsDBNull(9) ? null : ReadLong(reader, 9),
                NumericScale: reader.IsDBNull(10) ? null : ReadLong(reader, 10),
                DateTimePrecision: ColumnTypeParser.FractionalDigits(dataType, columnType),
                Labels: dataType is "enum" or "set" ? ColumnTypeParser.Labels(columnType) : [],
                PrimaryKeyOrdinal: keyOrdinal,
                IsJsonAlias: jsonColumns.Contains((id, name.ToLowerInvariant())),
                Extra: reader.IsDBNull(11) ? "" : reader.GetString(11));

            if (filter.ExcludesColumn(id, name))
            {
                if (column.IsPrimaryKey)
                {
                    throw new InvalidOperationException(
                        $"column {id}.{name} is part of the primary key and cannot be excluded from replication");
                }
                return;
            }
            if (!columns.TryGetValue(id, out var list)) columns[id] = list = [];
            list.Add(column);
        }, cancellationToken);

        var result = new List<SourceTable>(tables.Count);
        foreach (var (id, info) in tables)
        {
            // A table with no visible column cannot be synced.
            if (!columns.TryGetValue(id, out var list) || list.Count == 0) continue;
            list.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
            var key = list.Where(c => c.IsPrimaryKey).OrderBy(c => c.PrimaryKeyOrdinal).Select(c => c.Name).ToList();
            result.Add(new SourceTable(id, list, key, info.Bytes, info.Rows, info.Engine));
        }

        result.Sort(static (a, b) =>
        {
            var c = a.ApproximateBytes.CompareTo(b.ApproximateBytes);
            if (c == 0) c = a.ApproximateRows.CompareTo(b.ApproximateRows);
            if (c == 0) c = string.CompareOrdinal(a.Id.Schema, b.Id.Schema);
            if (c == 0) c = string.CompareOrdinal(a.Id.Name, b.Id.Name);
            return c;
        });
        return result;
    }

    /// <summary>
    /// MariaDB's JSON columns are LONGTEXT with a column-level <c>CHECK (json_valid(`c`))</c>. CHECK_CONSTRAINTS exists
    /// in MariaDB 10.2+ and MySQL 8.0.16+; elsewhere (no such view) the answer is empty.
    /// </summary>
    private static async Task<HashSet<(TableId, string)>> MariaDbJsonColumnsAsync(
        MySqlConnection connection, CancellationToken cancellationToken)
    {
        var found = new HashSet<(TableId, string)>();
        const string sql =
            "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS " +
            "WHERE CHECK_CLAUSE LIKE 'json\\_valid(%'";
        try
        {
            await QueryAsync(connection, sql, reader =>
            {
                // MySQL 8 has no TABLE_NAME here: the query then fails and we fall back to nothing.
                var clause = reader.GetString(2).Trim();
                var open = clause.IndexOf('(', StringComparison.Ordinal);
                var close = clause.LastIndexOf(')');
                if (open < 0 || close <= open) return;
                var inner = clause[(open + 1)..close].Trim();
                if (inner.Length >= 2 && inner[0] == '`' && inner[^1] == '`')
                {
                    inner = inner[1..^1].Replace("``", "`", StringComparison.Ordinal);
                }
                else
                {
                    return; // an expression, not a bare column
                }
                found.Add((new TableId(reader.GetString(0), reader.GetString(1)), inner.ToLowerInvariant()));
            }, cancellationToken);
        }
        catch (MySqlException ex) when (ex.ErrorCode is MySqlErrorCode.UnknownTable or MySqlErrorCode.BadFieldError
                                        or MySqlErrorCode.NoSuchTable)
        {
            // View or column absent on this server version.
        }
        return found;
    }

    private static async Task QueryAsync(MySqlConnection connection, string sql, Action<DbDataReader> onRow, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) onRow(reader);
    }

    private static long ReadLong(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
}
