using System.Globalization;
using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;

namespace Sluice.Replication.Setup;

/// <summary>
/// The checks to pass before replication starts (the source setup README.md describes), each failure one line naming the setting and
/// the SQL (or configuration step) that fixes it:
/// <list type="bullet">
/// <item><c>log_bin</c> ON; <c>binlog_format</c> ROW; <c>binlog_row_image</c> FULL (global values);
/// <c>binlog_row_metadata</c> FULL recommended (a warning below it, when the server has the variable).</item>
/// <item>Binlog retention at least 24 hours (error below), 7 days recommended (warning below). The effective retention
/// is RDS's <c>binlog retention hours</c> when <c>mysql.rds_configuration</c> is readable (NULL there purges binlogs
/// as soon as possible: an error); else <c>binlog_expire_logs_seconds</c> when non-zero (MySQL 8; MariaDB 10.6+ keeps it
/// in step with <c>expire_logs_days</c>), else <c>expire_logs_days</c> when non-zero; both zero, or MySQL's
/// <c>binlog_expire_logs_auto_purge</c> OFF, never purge (fine).</item>
/// <item>Privileges (SHOW GRANTS): REPLICATION SLAVE and REPLICATION CLIENT (MariaDB 10.5+: BINLOG MONITOR) on
/// <c>*.*</c>; SELECT on every selected table. When the user holds roles, missing privileges are warnings (a role may
/// grant them; SHOW GRANTS does not expand roles).</item>
/// <item>Character sets of the selected tables' text columns (<see cref="UnsupportedCharsetException"/>'s message).</item>
/// </list>
/// </summary>
public static class SetupChecks
{
    public static readonly TimeSpan MinimumRetention = TimeSpan.FromHours(24);
    public static readonly TimeSpan RecommendedRetention = TimeSpan.FromDays(7);

    private static readonly string[] VariableNames =
    [
        "log_bin", "binlog_format", "binlog_row_image", "expire_logs_days", "binlog_expire_logs_seconds",
        "binlog_expire_logs_auto_purge", "binlog_row_metadata", "version",
    ];

    /// <summary>Reads the facts and evaluates every check for the selected <paramref name="tables"/>.</summary>
    public static async Task<SetupReport> RunAsync(MySqlConnection connection, IReadOnlyCollection<SourceTable> tables,
        CancellationToken cancellationToken = default)
    {
        var facts = await ReadFactsAsync(connection, cancellationToken);
        return new SetupReport(Evaluate(facts, tables));
    }

    /// <summary>Reads global variables, RDS's retention (when present), CURRENT_USER() and SHOW GRANTS.</summary>
    public static async Task<ServerFacts> ReadFactsAsync(MySqlConnection connection, CancellationToken cancellationToken = default)
    {
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sql = "SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + string.Join(", ", VariableNames.Select(n => "'" + n + "'")) + ")";
        await using (var command = new MySqlCommand(sql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) variables[reader.GetString(0).ToLowerInvariant()] = reader.GetString(1);
        }

        var isRds = false;
        long? rdsHours = null;
        try
        {
            await using var command = new MySqlCommand("SELECT value FROM mysql.rds_configuration WHERE name = 'binlog retention hours'", connection);
            var value = await command.ExecuteScalarAsync(cancellationToken);
            isRds = true;
            if (value is not null and not DBNull && long.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var hours))
            {
                rdsHours = hours;
            }
        }
        catch (MySqlException ex) when (ex.ErrorCode is MySqlErrorCode.NoSuchTable or MySqlErrorCode.TableAccessDenied
                                            or MySqlErrorCode.DatabaseAccessDenied or MySqlErrorCode.UnknownTable)
        {
            // Not RDS (or no access to its configuration): the server variables govern.
        }

        string currentUser;
        await using (var command = new MySqlCommand("SELECT CURRENT_USER()", connection))
        {
            currentUser = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? "";
        }

        var grants = new List<string>();
        await using (var command = new MySqlCommand("SHOW GRANTS", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) grants.Add(reader.GetString(0));
        }

        return new ServerFacts(variables.GetValueOrDefault("version") ?? connection.ServerVersion, variables, isRds, rdsHours, currentUser, grants);
    }

    /// <summary>Evaluates every check on facts already read (pure).</summary>
    public static IReadOnlyList<SetupProblem> Evaluate(ServerFacts facts, IReadOnlyCollection<SourceTable> tables)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(tables);
        var problems = new List<SetupProblem>();
        CheckBinlog(facts, problems);
        CheckRetention(facts, problems);
        CheckGrants(facts, tables, problems);
        CheckCharsets(tables, problems);
        return problems;
    }

    private static void CheckBinlog(ServerFacts facts, List<SetupProblem> problems)
    {
        var logBin = facts.Variable("log_bin");
        if (!IsOn(logBin))
        {
            problems.Add(new SetupProblem(SetupSeverity.Error, "log_bin", $"binary logging is {logBin ?? "unknown"}, it must be ON",
                facts.IsRds
                    ? "enable automated backups (a backup retention period above 0) on the RDS instance"
                    : "add log_bin=mysql-bin and server_id=1 under [mysqld] in my.cnf and restart the server (log_bin cannot be set at runtime)"));
        }
        Require(facts, problems, "binlog_format", "ROW");
        Require(facts, problems, "binlog_row_image", "FULL");
        CheckRowMetadata(facts, problems);
    }

    /// <summary>
    /// <c>binlog_row_metadata</c> below FULL is a warning only: rows decode from the schema history either way; FULL
    /// metadata adds a cross-check of each table map against that history. Servers without the variable (MySQL 5.7,
    /// MariaDB before 10.5) cannot log it and get no warning.
    /// </summary>
    private static void CheckRowMetadata(ServerFacts facts, List<SetupProblem> problems)
    {
        var value = facts.Variable("binlog_row_metadata");
        if (value is null || string.Equals(value, "FULL", StringComparison.OrdinalIgnoreCase)) return;
        problems.Add(new SetupProblem(SetupSeverity.Warning, "binlog_row_metadata",
            $"is {value}, FULL is recommended (rows decode exactly either way; FULL adds a cross-check of each table's columns)",
            SetFix(facts, "binlog_row_metadata", "'FULL'")));
    }

    private static void Require(ServerFacts facts, List<SetupProblem> problems, string variable, string expected)
    {
        var value = facts.Variable(variable);
        if (string.Equals(value, expected, StringComparison.OrdinalIgnoreCase)) return;
        problems.Add(new SetupProblem(SetupSeverity.Error, variable, $"is {value ?? "unknown"}, {expected} is required", SetFix(facts, variable, "'" + expected + "'")));
    }

    /// <summary>The statement setting a global variable durably where the server allows it.</summary>
    private static string SetFix(ServerFacts facts, string variable, string value)
    {
        if (facts.IsRds) return $"set {variable} = {value.Trim('\'')} in the instance's DB parameter group";
        if (!facts.IsMariaDb && facts.NumericVersion >= new Version(8, 0)) return $"SET PERSIST {variable} = {value};";
        return $"SET GLOBAL {variable} = {value}; and {variable}={value.Trim('\'')} under [mysqld] in my.cnf";
    }

    /// <summary>The effective binlog retention (null: never purged) and a description of where it comes from.</summary>
    public static (TimeSpan? Retention, string Source) EffectiveRetention(ServerFacts facts)
    {
        if (facts.IsRds)
        {
            return facts.RdsRetentionHours is { } hours
                ? (TimeSpan.FromHours(hours), $"RDS binlog retention hours is {hours}")
                : (TimeSpan.Zero, "RDS binlog retention hours is NULL (binlogs are purged as soon as possible)");
        }
        if (string.Equals(facts.Variable("binlog_expire_logs_auto_purge"), "OFF", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "binlog_expire_logs_auto_purge is OFF");
        }
        if (double.TryParse(facts.Variable("binlog_expire_logs_seconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return (TimeSpan.FromSeconds(seconds), $"binlog_expire_logs_seconds is {facts.Variable("binlog_expire_logs_seconds")}");
        }
        if (double.TryParse(facts.Variable("expire_logs_days"), NumberStyles.Float, CultureInfo.InvariantCulture, out var days) && days > 0)
        {
            return (TimeSpan.FromDays(days), $"expire_logs_days is {facts.Variable("expire_logs_days")}");
        }
        return (null, "binlog expiry is off (0)");
    }

    private static void CheckRetention(ServerFacts facts, List<SetupProblem> problems)
    {
        var (retention, source) = EffectiveRetention(facts);
        if (retention is not { } value || value >= RecommendedRetention) return;
        var severity = value < MinimumRetention ? SetupSeverity.Error : SetupSeverity.Warning;
        var setting = facts.IsRds ? "binlog retention hours"
            : !facts.IsMariaDb && facts.NumericVersion >= new Version(8, 0) ? "binlog_expire_logs_seconds"
            : "expire_logs_days";
        var fix = facts.IsRds ? "CALL mysql.rds_set_configuration('binlog retention hours', 168);"
            : setting == "binlog_expire_logs_seconds" ? SetFix(facts, setting, "604800")
            : SetFix(facts, setting, "7");
        var problem = severity == SetupSeverity.Error
            ? $"binlogs are kept {Describe(value)} ({source}), at least 24 hours are required"
            : $"binlogs are kept {Describe(value)} ({source}), 7 days are recommended";
        problems.Add(new SetupProblem(severity, setting, problem, fix));
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours < 48 ? $"{span.TotalHours:0.##} hours" : $"{span.TotalDays:0.##} days";

    private static void CheckGrants(ServerFacts facts, IReadOnlyCollection<SourceTable> tables, List<SetupProblem> problems)
    {
        var grants = GrantSet.Parse(facts.Grants);
        var grantee = Grantee(facts.CurrentUser);
        var severity = grants.RoleGrants > 0 ? SetupSeverity.Warning : SetupSeverity.Error;
        var roleNote = grants.RoleGrants > 0 ? " (unless one of the user's roles grants it)" : "";

        if (!grants.HasGlobal("REPLICATION SLAVE", "REPLICATION REPLICA"))
        {
            problems.Add(new SetupProblem(severity, "privilege REPLICATION SLAVE",
                $"{grantee} cannot read the binlog{roleNote}", $"GRANT REPLICATION SLAVE ON *.* TO {grantee};"));
        }
        if (!grants.HasGlobal("REPLICATION CLIENT", "BINLOG MONITOR"))
        {
            var privilege = facts.IsMariaDb && facts.NumericVersion >= new Version(10, 5) ? "BINLOG MONITOR" : "REPLICATION CLIENT";
            problems.Add(new SetupProblem(severity, "privilege " + privilege,
                $"{grantee} cannot read binlog positions and settings{roleNote}", $"GRANT {privilege} ON *.* TO {grantee};"));
        }
        foreach (var schema in tables.Where(t => !grants.CanSelect(t.Id.Schema, t.Id.Name)).GroupBy(t => t.Id.Schema, StringComparer.Ordinal))
        {
            var names = schema.Select(t => t.Id.Name).Order(StringComparer.Ordinal).ToList();
            var listed = string.Join(", ", names.Take(5)) + (names.Count > 5 ? $" and {names.Count - 5} more" : "");
            problems.Add(new SetupProblem(severity, $"privilege SELECT on {MySqlIdentifier.Quote(schema.Key)}",
                $"{grantee} cannot read {listed}{roleNote}", $"GRANT SELECT ON {MySqlIdentifier.Quote(schema.Key)}.* TO {grantee};"));
        }
    }

    /// <summary><c>user@host</c> (CURRENT_USER()) as a quoted account name <c>'user'@'host'</c>.</summary>
    internal static string Grantee(string currentUser)
    {
        var at = currentUser.LastIndexOf('@');
        var user = at < 0 ? currentUser : currentUser[..at];
        var host = at < 0 ? "%" : currentUser[(at + 1)..];
        return $"'{user.Replace("'", "''", StringComparison.Ordinal)}'@'{host.Replace("'", "''", StringComparison.Ordinal)}'";
    }

    private static void CheckCharsets(IReadOnlyCollection<SourceTable> tables, List<SetupProblem> problems)
    {
        foreach (var table in tables)
        {
            foreach (var column in table.Columns)
            {
                try
                {
                    TypeMapper.MapColumn(table.Id, column);
                }
                catch (UnsupportedCharsetException ex)
                {
                    problems.Add(new SetupProblem(SetupSeverity.Error, $"character set of {table.Id}.{column.Name}", ex.Message,
                        $"ALTER TABLE {table.Id.QuotedForMySql} CONVERT TO CHARACTER SET utf8mb4; (or exclude the column or table from the sync)"));
                }
            }
        }
    }

    private static bool IsOn(string? value) =>
        string.Equals(value, "ON", StringComparison.OrdinalIgnoreCase) || value == "1";
}
