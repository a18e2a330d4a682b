using System.Globalization;
using Sluice.Binlog.Gtid;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Client;

/// <summary>
/// Reads the server's current binlog position, the one way every caller does it (binlog client, snapshot
/// watermarks, CLI, setup checks). MySQL 8.2+ replaced <c>SHOW MASTER STATUS</c> with <c>SHOW BINARY LOG STATUS</c>
/// (8.4 removed the old name); older MySQL and MariaDB use <c>SHOW MASTER STATUS</c>. When the server rejects the
/// chosen statement as a syntax error (1064) the other one is tried. GTID state: MariaDB's
/// <c>@@GLOBAL.gtid_binlog_pos</c>; MySQL's <c>Executed_Gtid_Set</c> column, only when <c>gtid_mode</c> is ON
/// (OFF, OFF_PERMISSIVE and ON_PERMISSIVE give a file/position-only position). The decisions are the pure functions
/// below; <see cref="ReadAsync"/> runs them against any connection through a query delegate.
/// </summary>
public static class CurrentPosition
{
    public const string ShowMasterStatus = "SHOW MASTER STATUS";
    public const string ShowBinaryLogStatus = "SHOW BINARY LOG STATUS";
    public const string MariaDbGtidQuery = "SELECT @@GLOBAL.gtid_binlog_pos";
    public const string MySqlGtidModeQuery = "SELECT @@GLOBAL.gtid_mode";

    /// <summary>The MySQL/MariaDB error code of a syntax error: the statement does not exist on that server.</summary>
    public const int SyntaxErrorCode = 1064;

    /// <summary>True for a MariaDB version string (e.g. <c>10.11.6-MariaDB</c>, <c>5.5.5-10.11.6-MariaDB-log</c>).</summary>
    public static bool IsMariaDb(string serverVersion) =>
        serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    /// <summary>The status statement to try first for this server version.</summary>
    public static string StatusStatement(string serverVersion)
    {
        ArgumentNullException.ThrowIfNull(serverVersion);
        if (IsMariaDb(serverVersion)) return ShowMasterStatus;
        var (major, minor) = ParseVersion(serverVersion);
        return major > 8 || (major == 8 && minor >= 2) ? ShowBinaryLogStatus : ShowMasterStatus;
    }

    /// <summary>The statement to try when <paramref name="statement"/> was rejected as a syntax error.</summary>
    public static string FallbackStatement(string statement) =>
        statement == ShowBinaryLogStatus ? ShowMasterStatus : ShowBinaryLogStatus;

    /// <summary>
    /// The query that reads the GTID state after the status row, or null when there is none to read
    /// (MySQL before 5.6: no <c>Executed_Gtid_Set</c> column and no <c>gtid_mode</c> variable).
    /// </summary>
    public static string? GtidQuery(string serverVersion, QueryResult status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (IsMariaDb(serverVersion)) return MariaDbGtidQuery;
        return status.ColumnIndex("Executed_Gtid_Set") >= 0 ? MySqlGtidModeQuery : null;
    }

    /// <summary>
    /// The position from the status result and the GTID query's scalar (<paramref name="gtidReply"/>: MariaDB's
    /// gtid_binlog_pos, or MySQL's gtid_mode; null when <see cref="GtidQuery"/> gave no query).
    /// </summary>
    public static BinlogPosition FromReplies(string serverVersion, QueryResult status, string? gtidReply)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Rows.Count == 0)
        {
            throw new BinlogDisabledException(BinlogServerException.ErNoBinaryLogging, "HY000",
                "the binlog status returned no row: the server has no binary log", "reading the current binlog position");
        }
        var row = status.Rows[0];
        var fileIndex = status.ColumnIndex("File");
        var positionIndex = status.ColumnIndex("Position");
        var file = row[fileIndex >= 0 ? fileIndex : 0] ?? "";
        var position = long.Parse(row[positionIndex >= 0 ? positionIndex : 1] ?? "4", CultureInfo.InvariantCulture);
        if (IsMariaDb(serverVersion))
        {
            return new BinlogPosition(file, position, MariaDbGtids: MariaDbGtidList.Parse(gtidReply ?? ""));
        }
        var executed = status.ColumnIndex("Executed_Gtid_Set");
        if (executed < 0 || !string.Equals(gtidReply, "ON", StringComparison.OrdinalIgnoreCase))
        {
            return new BinlogPosition(file, position);
        }
        return new BinlogPosition(file, position, MySqlGtids: MySqlGtidSet.Parse(row[executed] ?? ""));
    }

    /// <summary>
    /// The single entry point: reads the current position through <paramref name="query"/>, which runs one
    /// statement and returns its result, or null when the server rejected it with <see cref="SyntaxErrorCode"/>.
    /// </summary>
    public static async Task<BinlogPosition> ReadAsync(string serverVersion,
        Func<string, CancellationToken, Task<QueryResult?>> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serverVersion);
        ArgumentNullException.ThrowIfNull(query);
        var statement = StatusStatement(serverVersion);
        var status = await query(statement, cancellationToken).ConfigureAwait(false)
            ?? await query(FallbackStatement(statement), cancellationToken).ConfigureAwait(false)
            ?? throw new BinlogServerException(SyntaxErrorCode, "42000",
                "neither SHOW BINARY LOG STATUS nor SHOW MASTER STATUS is accepted", "use MySQL 5.5+ or MariaDB 10+",
                "reading the current binlog position");
        var gtidQuery = GtidQuery(serverVersion, status);
        string? gtidReply = null;
        if (gtidQuery is not null)
        {
            gtidReply = (await query(gtidQuery, cancellationToken).ConfigureAwait(false))?.Scalar;
        }
        return FromReplies(serverVersion, status, gtidReply);
    }

    private static (int Major, int Minor) ParseVersion(string version)
    {
        var parts = version.Split('.', 3);
        var major = parts.Length > 0 ? LeadingInt(parts[0]) : 0;
        var minor = parts.Length > 1 ? LeadingInt(parts[1]) : 0;
        return (major, minor);
    }

    private static int LeadingInt(string s)
    {
        var n = 0;
        foreach (var c in s)
        {
            if (c is < '0' or > '9') break;
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
