using System.Collections.Concurrent;
using MySqlConnector;

namespace Sluice.Cli.Binlog;

/// <summary>
/// Column facts from the live <c>information_schema</c>, for servers whose TABLE_MAP events carry no names, no ENUM/SET
/// labels or no signedness (MySQL's default <c>binlog_row_metadata=MINIMAL</c>). Looked up once per table.
/// Note: the live schema is today's; a binlog read from long ago may describe another shape (then names are left out).
/// </summary>
public sealed class LiveSchema(string connectionString)
{
    private readonly ConcurrentDictionary<(string Schema, string Table), Task<IReadOnlyList<LiveColumn>>> _cache = new();

    public Task<IReadOnlyList<LiveColumn>> ColumnsAsync(string schema, string table, CancellationToken ct) =>
        _cache.GetOrAdd((schema, table), key => LoadAsync(key.Schema, key.Table, ct));

    private async Task<IReadOnlyList<LiveColumn>> LoadAsync(string schema, string table, CancellationToken ct)
    {
        await using var conn = new MySqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new MySqlCommand(
            "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME FROM information_schema.COLUMNS " +
            "WHERE TABLE_SCHEMA = @s AND TABLE_NAME = @t ORDER BY ORDINAL_POSITION", conn);
        cmd.Parameters.AddWithValue("@s", schema);
        cmd.Parameters.AddWithValue("@t", table);
        var list = new List<LiveColumn>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var dataType = reader.GetString(1).ToLowerInvariant();
            var columnType = reader.GetString(2);
            list.Add(new LiveColumn(
                reader.GetString(0),
                dataType,
                columnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase),
                dataType is "enum" or "set" ? ParseLabels(columnType) : null,
                IsJson: dataType == "json",
                CharacterSet: reader.IsDBNull(3) ? null : reader.GetString(3),
                BinaryLength: dataType == "binary" ? ParseLength(columnType) : null));
        }
        await reader.DisposeAsync();
        return await MarkMariaDbJsonAsync(conn, schema, table, list, ct);
    }

    /// <summary>
    /// MariaDB stores JSON as LONGTEXT with a <c>json_valid(`col`)</c> check constraint: mark those columns as JSON.
    /// Servers without <c>information_schema.CHECK_CONSTRAINTS</c> (MySQL before 8.0.16) have native JSON anyway.
    /// </summary>
    private static async Task<IReadOnlyList<LiveColumn>> MarkMariaDbJsonAsync(MySqlConnection conn, string schema, string table,
        List<LiveColumn> columns, CancellationToken ct)
    {
        var jsonColumns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            await using var cmd = new MySqlCommand(
                "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = @s AND TABLE_NAME = @t", conn);
            cmd.Parameters.AddWithValue("@s", schema);
            cmd.Parameters.AddWithValue("@t", table);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var clause = reader.GetString(0).Trim();
                const string prefix = "json_valid(`";
                if (clause.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && clause.EndsWith("`)", StringComparison.Ordinal))
                    jsonColumns.Add(clause[prefix.Length..^2].Replace("``", "`", StringComparison.Ordinal));
            }
        }
        catch (MySqlException)
        {
            return columns;
        }
        return columns.Select(c => jsonColumns.Contains(c.Name) ? c with { IsJson = true } : c).ToList();
    }

    private static int? ParseLength(string columnType)
    {
        var open = columnType.IndexOf('(');
        var close = columnType.IndexOf(')');
        return open >= 0 && close > open && int.TryParse(columnType.AsSpan(open + 1, close - open - 1),
            System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Labels of <c>enum('a','b''c')</c> or <c>set(...)</c>: quotes doubled or backslash-escaped.</summary>
    public static IReadOnlyList<string> ParseLabels(string columnType)
    {
        var open = columnType.IndexOf('(');
        var labels = new List<string>();
        if (open < 0) return labels;
        var sb = new System.Text.StringBuilder();
        var inQuote = false;
        for (var i = open + 1; i < columnType.Length; i++)
        {
            var c = columnType[i];
            if (!inQuote)
            {
                if (c == '\'') { inQuote = true; sb.Clear(); }
                else if (c == ')') break;
                continue;
            }
            if (c == '\\' && i + 1 < columnType.Length) { sb.Append(columnType[++i]); continue; }
            if (c == '\'')
            {
                if (i + 1 < columnType.Length && columnType[i + 1] == '\'') { sb.Append('\''); i++; continue; }
                inQuote = false;
                labels.Add(sb.ToString());
                continue;
            }
            sb.Append(c);
        }
        return labels;
    }
}

/// <summary>One column as the live schema describes it.</summary>
/// <param name="CharacterSet">The charset of a text column (null for others): decodes text the binlog left as bytes.</param>
/// <param name="BinaryLength">The declared length n of a BINARY(n) column: pads values the binlog logged without their 0x00s.</param>
public sealed record LiveColumn(string Name, string DataType, bool IsUnsigned, IReadOnlyList<string>? Labels, bool IsJson = false,
    string? CharacterSet = null, int? BinaryLength = null);
