using Sluice.Binlog.Client;
using Sluice.Binlog.Gtid;
using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Tests.Client;

/// <summary>The current-position decision over recorded server replies (version string, status result, GTID scalar).</summary>
public sealed class CurrentPositionTests
{
    private static readonly string[] OldColumns = ["File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB"];
    private static readonly string[] GtidColumns = ["File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set"];
    private const string Uuid = "3E11FA47-71CA-11E1-9E33-C80AA9429562";

    public static TheoryData<string, string, bool, string, string, string?, string?, string> Replies() => new()
    {
        // version, expected statement, has Executed_Gtid_Set, file, position, executed set, GTID query reply, expected
        { "10.11.6-MariaDB-log", "SHOW MASTER STATUS", false, "mariadb-bin.000003", "1234", null, "0-1-100,1-2-5", "mariadb-bin.000003:1234 gtid=0-1-100,1-2-5" },
        { "5.5.5-10.11.6-MariaDB", "SHOW MASTER STATUS", false, "mariadb-bin.000001", "328", null, "", "mariadb-bin.000001:328 gtid=" },
        { "5.5.62-log", "SHOW MASTER STATUS", false, "mysql-bin.000002", "107", null, null, "mysql-bin.000002:107" },
        { "5.7.44-log", "SHOW MASTER STATUS", true, "mysql-bin.000004", "154", "", "OFF", "mysql-bin.000004:154" },
        { "5.7.44-log", "SHOW MASTER STATUS", true, "mysql-bin.000004", "999", Uuid + ":1-5", "ON", "mysql-bin.000004:999 gtid=" + Uuid.ToLowerInvariant() + ":1-5" },
        { "8.0.36", "SHOW MASTER STATUS", true, "binlog.000007", "157", Uuid + ":1-3", "ON", "binlog.000007:157 gtid=" + Uuid.ToLowerInvariant() + ":1-3" },
        { "8.0.36-0ubuntu0.22.04.1", "SHOW MASTER STATUS", true, "binlog.000007", "157", Uuid + ":1-3", "OFF_PERMISSIVE", "binlog.000007:157" },
        { "8.1.0", "SHOW MASTER STATUS", true, "binlog.000001", "4", "", "OFF", "binlog.000001:4" },
        { "8.2.0", "SHOW BINARY LOG STATUS", true, "binlog.000001", "4", "", "OFF", "binlog.000001:4" },
        { "8.4.3", "SHOW BINARY LOG STATUS", true, "binlog.000012", "2561", Uuid + ":1-42", "ON", "binlog.000012:2561 gtid=" + Uuid.ToLowerInvariant() + ":1-42" },
        { "8.4.3", "SHOW BINARY LOG STATUS", true, "binlog.000012", "2561", "", "OFF", "binlog.000012:2561" },
        { "8.4.3", "SHOW BINARY LOG STATUS", true, "binlog.000012", "2561", Uuid + ":1-42", "ON_PERMISSIVE", "binlog.000012:2561" },
        { "9.1.0", "SHOW BINARY LOG STATUS", true, "binlog.000002", "158", "", "ON", "binlog.000002:158 gtid=" },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task Reads_the_recorded_reply(string version, string statement, bool gtidColumn, string file, string position,
        string? executed, string? gtidReply, string expected)
    {
        Assert.Equal(statement, CurrentPosition.StatusStatement(version));
        var status = Status(gtidColumn, file, position, executed);
        var gtidQuery = CurrentPosition.GtidQuery(version, status);
        Assert.Equal(gtidReply is null, gtidQuery is null);

        var fromReplies = CurrentPosition.FromReplies(version, status, gtidReply);
        Assert.Equal(Normalize(expected), fromReplies.ToString());

        var asked = new List<string>();
        var read = await CurrentPosition.ReadAsync(version, (sql, _) =>
        {
            asked.Add(sql);
            QueryResult? reply = sql == statement ? status
                : sql == gtidQuery ? new QueryResult(["v"], [[gtidReply]])
                : null;
            return Task.FromResult(reply);
        });
        Assert.Equal(fromReplies, read);
        Assert.Equal(gtidQuery is null ? [statement] : new[] { statement, gtidQuery }, asked);
    }

    [Theory]
    [InlineData("8.4.0", "SHOW BINARY LOG STATUS", "SHOW MASTER STATUS")]
    [InlineData("8.0.36", "SHOW MASTER STATUS", "SHOW BINARY LOG STATUS")]
    public async Task Falls_back_when_the_statement_is_a_syntax_error(string version, string first, string second)
    {
        var asked = new List<string>();
        var read = await CurrentPosition.ReadAsync(version, (sql, _) =>
        {
            asked.Add(sql);
            QueryResult? reply = sql == second ? Status(false, "binlog.000003", "500", null) : null;
            return Task.FromResult(reply);
        });
        Assert.Equal([first, second], asked);
        Assert.Equal(new BinlogPosition("binlog.000003", 500), read);
    }

    [Fact]
    public void No_row_means_no_binary_log()
    {
        var ex = Assert.Throws<BinlogDisabledException>(() =>
            CurrentPosition.FromReplies("8.4.0", new QueryResult(GtidColumns, []), "OFF"));
        Assert.Contains("no binary log", ex.Message, StringComparison.Ordinal);
    }

    private static QueryResult Status(bool gtidColumn, string file, string position, string? executed) => gtidColumn
        ? new QueryResult(GtidColumns, [[file, position, "", "", executed]])
        : new QueryResult(OldColumns, [[file, position, "", ""]]);

    // The GTID set's text form is whatever MySqlGtidSet prints; compare through it.
    private static string Normalize(string expected)
    {
        var at = expected.IndexOf(" gtid=", StringComparison.Ordinal);
        if (at < 0 || expected.Contains("mariadb", StringComparison.Ordinal)) return expected;
        var set = expected[(at + 6)..];
        return expected[..at] + " gtid=" + MySqlGtidSet.Parse(set);
    }
}
