using System.Text.Json.Nodes;
using MySqlConnector;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Binlog;

/// <summary><c>sluice binlog read | tail | status</c>: output, options and the one-line errors.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogCommandsTests(MariaDbServer server)
{
    private static string Fixture(string relative) => Path.Combine(RepositoryPaths.BinlogFixtures!, "files", relative);

    [FixtureFact]
    public async Task Read_prints_named_columns_from_full_metadata()
    {
        var result = await CliRunner.RunAsync("binlog", "read", Fixture("rust_mysql_common/mysql-enum-string-set.000001"));
        Assert.Equal(0, result.ExitCode);
        var changes = result.Lines.Select(l => JsonNode.Parse(l)!.AsObject()).Where(o => (string?)o["table"] == "t").ToList();
        Assert.Equal(["insert", "update", "delete"], changes.Select(c => (string)c["kind"]!).Distinct());
        var first = changes[0]["after"]!.AsObject();
        Assert.Equal(["f1", "f2", "f3", "f4", "f5"], first.Select(p => p.Key));
        Assert.Equal("var1", (string?)first["f3"]);
        Assert.Equal(["one", "three"], first["f4"]!.AsArray().Select(n => (string)n!));
        Assert.All(result.Lines, l => Assert.DoesNotContain("$A$005$", l)); // the ALTER USER password hash is hidden
    }

    [FixtureFact]
    public async Task Read_names_columns_by_position_when_the_file_has_no_names()
    {
        var result = await CliRunner.RunAsync("binlog", "read", "--format", "text", Fixture("mysql-binlog-connector-java/mysql-bin.compressed"));
        Assert.Equal(0, result.ExitCode);
        var update = Assert.Single(result.Lines, l => l.Contains(" update demo.movies ", StringComparison.Ordinal));
        Assert.Contains("@5='Western',", update.Split(" -> ")[0]);
        Assert.Contains("@5='Western|Action'", update.Split(" -> ")[1]);
        Assert.EndsWith("commit xid=31", result.Lines[^1]);
    }

    [FixtureFact]
    public async Task Read_stops_after_the_limit()
    {
        var result = await CliRunner.RunAsync("binlog", "read", "--limit", "3", Fixture("rust_mysql_common/mysql-enum-string-set.000001"));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, result.Lines.Length);
    }

    [Fact]
    public async Task Tail_limit_and_gtid_start()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS g (id INT PRIMARY KEY)");
        var gtid = (string)(await server.ScalarAsync("SELECT @@GLOBAL.gtid_binlog_pos"))!;
        await db.ExecuteAsync("INSERT INTO g VALUES (1), (2), (3)");
        await db.ExecuteAsync("DELETE FROM g");

        var result = await CliRunner.RunAsync("binlog", "tail", "--source", db.ReplicationConnectionString, "--gtid", gtid,
            "--stop-at-end", "--limit", "4");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(4, result.Lines.Length);
        var kinds = result.Lines.Select(l => (string)JsonNode.Parse(l)!["kind"]!).ToList();
        Assert.Equal(["insert", "insert", "insert", "commit"], kinds);
    }

    [Fact]
    public async Task Tail_exits_once_the_limit_is_reached_without_waiting_for_more_events()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS lim (id INT PRIMARY KEY)");
        var file = (string)(await server.ScalarAsync("SELECT SUBSTRING_INDEX(@@GLOBAL.gtid_binlog_pos, '-', 1)"))!;
        var gtid = (string)(await server.ScalarAsync("SELECT @@GLOBAL.gtid_binlog_pos"))!;
        Assert.NotNull(file);
        await db.ExecuteAsync("INSERT INTO lim VALUES (10), (11)");

        // No --stop-at-end: without the limit this would stream forever.
        var result = await CliRunner.RunAsync("binlog", "tail", "--source", db.ReplicationConnectionString, "--gtid", gtid, "--limit", "3");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["insert", "insert", "commit"], result.Lines.Select(l => (string)JsonNode.Parse(l)!["kind"]!));
    }

    [Fact]
    public async Task Status_reports_ready_with_position_and_grants()
    {
        var result = await CliRunner.RunAsync("binlog", "status", "--source", server.ReplicationConnectionString(), "--json");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var report = JsonNode.Parse(result.Output)!;
        Assert.True((bool)report["ready"]!);
        Assert.Equal("mariadb", (string?)report["flavor"]);
        Assert.Equal("ROW", (string?)report["settings"]!["binlog_format"]);
        Assert.StartsWith("mariadb-bin.", (string?)report["position"]!["file"]);
        Assert.Matches(@"^0-1-\d+", (string?)report["position"]!["gtid"]);
        Assert.Equal(168.0, (double)report["retention_hours"]!);
        Assert.Empty(report["problems"]!.AsArray());
    }

    [Fact]
    public async Task Status_names_missing_grants_and_exits_3()
    {
        var user = "weak_" + Guid.NewGuid().ToString("N")[..8];
        await server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY 'weak-pw'; GRANT SELECT ON *.* TO '{user}'@'%'");
        var cs = new MySqlConnectionStringBuilder(server.ReplicationConnectionString()) { UserID = user, Password = "weak-pw" }.ConnectionString;

        var result = await CliRunner.RunAsync("binlog", "status", "--source", cs);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("problem: the user lacks REPLICATION SLAVE: GRANT REPLICATION SLAVE ON *.* TO the user", result.Output);
        Assert.Contains("problem: the user lacks BINLOG MONITOR", result.Output);
        Assert.Contains("not ready: ", result.Output);
    }

    [Fact]
    public async Task Wrong_password_is_one_line_without_the_password()
    {
        var cs = new MySqlConnectionStringBuilder(server.ReplicationConnectionString()) { Password = "not-the-password-123" }.ConnectionString;
        var result = await CliRunner.RunAsync("binlog", "tail", "--source", cs, "--stop-at-end");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("sluice: the server refused: Access denied", line);
        Assert.Contains("(error 1045)", line);
        Assert.DoesNotContain("not-the-password-123", result.Error + result.Output);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task Unknown_binlog_file_is_a_typed_one_line_error()
    {
        var result = await CliRunner.RunAsync("binlog", "tail", "--source", server.ReplicationConnectionString(),
            "--from", "mariadb-bin.999999:4", "--stop-at-end");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("(error 1236)", line);
        Assert.Contains("Fix:", line);
    }

    [Theory]
    [InlineData("--from", "nonsense", "--from 'nonsense' is not FILE:POS")]
    [InlineData("--from", "mariadb-bin.000001:2", "--from 'mariadb-bin.000001:2' is not FILE:POS")]
    [InlineData("--gtid", "zz-yy", "--gtid 'zz-yy' is not a GTID set")]
    [InlineData("--limit", "0", "--limit must be a positive number of lines")]
    public async Task Bad_options_are_named_and_exit_2(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("binlog", "tail", "--source", server.ReplicationConnectionString(), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("sluice: " + message, result.Error);
    }

    [Fact]
    public async Task Two_start_options_are_refused()
    {
        var result = await CliRunner.RunAsync("binlog", "tail", "--source", server.ReplicationConnectionString(), "--from-start", "--from", "x:4");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("sluice: choose one of --from-start, --from FILE:POS and --gtid SET", result.Error);
    }

    [Fact]
    public async Task Missing_source_and_missing_file_are_usage_errors()
    {
        var missing = await CliRunner.RunAsync("binlog", "tail");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--source", missing.Error);

        var noFile = await CliRunner.RunAsync("binlog", "read", "/no/such/binlog.000001");
        Assert.Equal(2, noFile.ExitCode);
        Assert.Equal("sluice: binlog file '/no/such/binlog.000001' does not exist: check the path\n", noFile.Error);
    }
}
