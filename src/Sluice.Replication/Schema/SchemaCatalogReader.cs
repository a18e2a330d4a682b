using System.Collections.Immutable;
using MySqlConnector;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Schema;

/// <summary>
/// Reads a <see cref="SchemaCatalog"/> from information_schema: the tables' columns and keys as
/// <see cref="SchemaDiscovery"/> reads them, each table's default collation (TABLES.TABLE_COLLATION), the defaults of
/// every database (SCHEMATA) and of the server, each charset's default collation, and the server dialect.
/// Collation names are normalised as the applier writes them (<c>utf8_*</c> → <c>utf8mb3_*</c>).
/// </summary>
public static class SchemaCatalogReader
{
    public static async Task<SchemaCatalog> ReadAsync(
        MySqlConnection connection, IEnumerable<TableId> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tables);
        var wanted = tables.ToHashSet();

        string version = "", serverCharset = "utf8mb4", serverCollation = "utf8mb4_general_ci";
        await QueryAsync(connection, "SELECT VERSION(), @@character_set_server, @@collation_server", r =>
        {
            version = r.GetString(0);
            serverCharset = CharsetRules.Normalize(r.GetString(1));
            serverCollation = CharsetRules.NormalizeCollation(r.GetString(2));
        }, cancellationToken);

        var charsetDefaults = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        await QueryAsync(connection, "SELECT CHARACTER_SET_NAME, DEFAULT_COLLATE_NAME FROM information_schema.CHARACTER_SETS",
            r => charsetDefaults[CharsetRules.Normalize(r.GetString(0))] = CharsetRules.NormalizeCollation(r.GetString(1)), cancellationToken);

        // MariaDB 11.2+: character_set_collations overrides the defaults listed in CHARACTER_SETS
        // (e.g. utf8mb4=utf8mb4_uca1400_ai_ci). Older servers and MySQL have no such variable.
        try
        {
            await QueryAsync(connection, "SELECT @@character_set_collations", r =>
            {
                if (r.IsDBNull(0)) return;
                foreach (var pair in r.GetString(0).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0) charsetDefaults[CharsetRules.Normalize(pair[..eq].Trim())] = CharsetRules.NormalizeCollation(pair[(eq + 1)..].Trim());
                }
            }, cancellationToken);
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.UnknownSystemVariable)
        {
            // Not a MariaDB 11.2+ server.
        }

        var explicitTimestamps = true;
        try
        {
            await QueryAsync(connection, "SELECT @@GLOBAL.explicit_defaults_for_timestamp",
                r => explicitTimestamps = !r.IsDBNull(0) && Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) != 0,
                cancellationToken);
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.UnknownSystemVariable)
        {
            explicitTimestamps = false; // servers before the variable existed behave as OFF
        }

        var databases = ImmutableDictionary.CreateBuilder<string, CharsetCollation>(StringComparer.Ordinal);
        await QueryAsync(connection,
            "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA",
            r => databases[r.GetString(0)] = new CharsetCollation(CharsetRules.Normalize(r.GetString(1)), CharsetRules.NormalizeCollation(r.GetString(2))),
            cancellationToken);

        var tableCollations = new Dictionary<TableId, string>();
        await QueryAsync(connection,
            "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE'",
            r =>
            {
                var id = new TableId(r.GetString(0), r.GetString(1));
                if (wanted.Contains(id) && !r.IsDBNull(2)) tableCollations[id] = CharsetRules.NormalizeCollation(r.GetString(2));
            }, cancellationToken);

        var catalog = new SchemaCatalog
        {
            ServerDefaults = new CharsetCollation(serverCharset, serverCollation),
            CharsetDefaultCollations = charsetDefaults.ToImmutable(),
            Databases = databases.ToImmutable(),
            Dialect = DialectOf(version),
            ExplicitDefaultsForTimestamp = explicitTimestamps,
        };
        if (wanted.Count == 0) return catalog;

        var discovered = await SchemaDiscovery.DiscoverAsync(connection, new DiscoveryFilter { IncludeTables = wanted }, cancellationToken);
        var builder = catalog.Tables.ToBuilder();
        foreach (var table in discovered)
        {
            var collation = tableCollations.GetValueOrDefault(table.Id) ?? catalog.DatabaseDefaults(table.Id.Schema).Collation;
            var defaults = new CharsetCollation(CharsetRules.CharsetOfCollation(collation) ?? serverCharset, collation);
            var columns = table.Columns.Select(c => c with
            {
                Collation = c.Collation is null ? null : CharsetRules.NormalizeCollation(c.Collation),
            }).ToList();
            builder[table.Id] = new TableSchema(table with { Columns = columns, ApproximateBytes = 0, ApproximateRows = 0 }, defaults);
        }
        return catalog with { Tables = builder.ToImmutable() };
    }

    /// <summary>MariaDB, MySQL before 8.0.19 (integer display widths), or MySQL 8.0.19+.</summary>
    public static SchemaDialect DialectOf(string version)
    {
        if (version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)) return SchemaDialect.MariaDb;
        var numbers = version.Split('-')[0].Split('.');
        if (numbers.Length >= 3 && int.TryParse(numbers[0], out var major) && int.TryParse(numbers[1], out var minor)
            && int.TryParse(new string(numbers[2].TakeWhile(char.IsAsciiDigit).ToArray()), out var patch))
        {
            if (major > 8 || (major == 8 && (minor > 0 || patch >= 19))) return SchemaDialect.MySql80;
        }
        return SchemaDialect.MySql57;
    }

    private static async Task QueryAsync(MySqlConnection connection, string sql, Action<MySqlDataReader> onRow, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) onRow(reader);
    }
}
