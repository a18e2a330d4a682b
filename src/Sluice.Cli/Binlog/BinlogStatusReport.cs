using System.Globalization;
using System.Text.Json;
using MySqlConnector;
using Sluice.Binlog.Client;
using Sluice.Binlog.Protocol;

namespace Sluice.Cli.Binlog;

/// <summary>
/// What <c>sluice binlog status</c> reports: the binlog settings replication depends on, the current position and GTID
/// state, retention, and whether the user's grants suffice. Each problem is one line naming the setting and the fix.
/// </summary>
public sealed record BinlogStatusReport(
    string Server,
    string Version,
    bool IsMariaDb,
    IReadOnlyDictionary<string, string?> Settings,
    BinlogPosition Position,
    IReadOnlyList<(string File, long Size)> Logs,
    double? RetentionHours,
    string Grants,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings)
{
    private static readonly string[] SettingNames =
    [
        "log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata", "binlog_checksum", "gtid_mode",
        "enforce_gtid_consistency", "gtid_strict_mode", "expire_logs_days", "binlog_expire_logs_seconds", "max_allowed_packet",
        "server_id",
    ];

    public static async Task<BinlogStatusReport> LoadAsync(string connectionString, BinlogConnectionOptions options, CancellationToken ct)
    {
        MySqlConnection conn;
        try
        {
            conn = new MySqlConnection(connectionString);
            await conn.OpenAsync(ct);
        }
        catch (MySqlException ex)
        {
            throw new CliError($"cannot connect to {options.Host}:{options.Port} as '{options.UserName}': {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            throw new CliError($"--source is not a valid connection string: {ex.Message}", 2);
        }

        await using (conn)
        {
            var version = (string)(await ScalarAsync(conn, "SELECT VERSION()", ct) ?? "");
            var isMariaDb = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
            var settings = new Dictionary<string, string?>();
            await using (var cmd = new MySqlCommand(
                             "SHOW GLOBAL VARIABLES WHERE Variable_name IN (" +
                             string.Join(",", SettingNames.Select(n => "'" + n + "'")) + ")", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) settings[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }

            var logs = new List<(string, long)>();
            var problems = new List<string>();
            var warnings = new List<string>();
            try
            {
                await using var cmd = new MySqlCommand("SHOW BINARY LOGS", conn);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) logs.Add((reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
            }
            catch (MySqlException ex)
            {
                problems.Add($"SHOW BINARY LOGS failed ({ex.Message}): GRANT {(isMariaDb ? "BINLOG MONITOR" : "REPLICATION CLIENT")} ON *.* TO the user");
            }

            var grants = new List<string>();
            await using (var cmd = new MySqlCommand("SHOW GRANTS FOR CURRENT_USER()", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) grants.Add(reader.GetString(0));
            }

            BinlogPosition position;
            try
            {
                position = await new BinlogClient(new BinlogClientOptions { Connection = options }).GetCurrentPositionAsync(ct);
            }
            catch (BinlogServerException ex)
            {
                position = new BinlogPosition("", 0);
                problems.Add($"the current binlog position is unreadable ({ex.ServerMessage}): {ex.Hint}");
            }

            double? retentionHours = null;
            if (settings.TryGetValue("binlog_expire_logs_seconds", out var secs) && double.TryParse(secs, CultureInfo.InvariantCulture, out var s) && s > 0)
                retentionHours = s / 3600;
            else if (settings.TryGetValue("expire_logs_days", out var days) && double.TryParse(days, CultureInfo.InvariantCulture, out var d) && d > 0)
                retentionHours = d * 24;

            Check(settings, "log_bin", "ON", "log_bin is OFF: start the server with --log-bin (binary logging cannot be switched on at run time)", problems);
            Check(settings, "binlog_format", "ROW", "binlog_format is not ROW: SET GLOBAL binlog_format = 'ROW' (and binlog_format=ROW in the server's config file)", problems);
            Check(settings, "binlog_row_image", "FULL", "binlog_row_image is not FULL: SET GLOBAL binlog_row_image = 'FULL' (and in the config file)", problems);
            if (retentionHours is { } h && h < 24)
                problems.Add($"binlog retention is {h:0.#} h, under 24 h: " + (isMariaDb ? "SET GLOBAL expire_logs_days = 7" : "SET GLOBAL binlog_expire_logs_seconds = 604800"));
            else if (retentionHours is { } h7 && h7 < 24 * 7)
                warnings.Add($"binlog retention is {h7:0.#} h: 7 days (168 h) is recommended");

            var all = string.Join("\n", grants).ToUpperInvariant();
            var hasAll = all.Contains("ALL PRIVILEGES ON *.*", StringComparison.Ordinal);
            foreach (var (privilege, alternatives) in new (string, string[])[]
                     {
                         ("REPLICATION SLAVE", ["REPLICATION SLAVE"]),
                         (isMariaDb ? "BINLOG MONITOR" : "REPLICATION CLIENT", ["REPLICATION CLIENT", "BINLOG MONITOR", "SUPER"]),
                         ("SELECT", ["SELECT"]),
                     })
            {
                if (!hasAll && !alternatives.Any(a => all.Contains(a, StringComparison.Ordinal)))
                    problems.Add($"the user lacks {privilege}: GRANT {privilege} ON *.* TO the user");
            }

            return new BinlogStatusReport($"{options.Host}:{options.Port}", version, isMariaDb, settings, position, logs,
                retentionHours, string.Join("\n", grants), problems, warnings);
        }
    }

    private static void Check(Dictionary<string, string?> settings, string name, string expected, string problem, List<string> problems)
    {
        if (!settings.TryGetValue(name, out var value) || !string.Equals(value, expected, StringComparison.OrdinalIgnoreCase)) problems.Add(problem);
    }

    private static async Task<object?> ScalarAsync(MySqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync(ct);
    }

    public async Task WriteTextAsync(TextWriter output)
    {
        await output.WriteLineAsync($"server      {Server} ({Version})");
        foreach (var (k, v) in Settings.OrderBy(p => p.Key, StringComparer.Ordinal)) await output.WriteLineAsync($"  {k,-26} {v}");
        await output.WriteLineAsync($"position    {Position.FileName}:{Position.Position.ToString(CultureInfo.InvariantCulture)}");
        var gtid = (object?)Position.MariaDbGtids ?? Position.MySqlGtids;
        await output.WriteLineAsync($"gtid        {gtid?.ToString() ?? "(none)"}");
        await output.WriteLineAsync(Logs.Count == 0
            ? "binlogs     (unknown)"
            : $"binlogs     {Logs.Count} file(s), {Logs.Sum(l => l.Size).ToString(CultureInfo.InvariantCulture)} bytes, oldest {Logs[0].File}");
        await output.WriteLineAsync($"retention   {(RetentionHours is { } h ? h.ToString("0.#", CultureInfo.InvariantCulture) + " h" : "never expires")}");
        await output.WriteLineAsync($"grants      {Grants.ReplaceLineEndings("; ")}");
        foreach (var w in Warnings) await output.WriteLineAsync("warning: " + w);
        foreach (var p in Problems) await output.WriteLineAsync("problem: " + p);
        await output.WriteLineAsync(Problems.Count == 0 ? "ok: ready for replication" : $"not ready: {Problems.Count} problem(s)");
    }

    public async Task WriteJsonAsync(TextWriter output)
    {
        var doc = new
        {
            server = Server,
            version = Version,
            flavor = IsMariaDb ? "mariadb" : "mysql",
            settings = Settings,
            position = new { file = Position.FileName, pos = Position.Position, gtid = ((object?)Position.MariaDbGtids ?? Position.MySqlGtids)?.ToString() },
            binlogs = Logs.Select(l => new { file = l.File, size = l.Size }),
            retention_hours = RetentionHours,
            grants = Grants.Split('\n'),
            warnings = Warnings,
            problems = Problems,
            ready = Problems.Count == 0,
        };
        await output.WriteLineAsync(JsonSerializer.Serialize(doc));
    }
}
