using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Replication.Setup;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Setup;

/// <summary>
/// Setup checks and zombie cleanup against the real MariaDB. Global settings changed here are restored in a finally
/// right after the check reads them (the server is shared with the assembly's other live tests, which run serially).
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class SetupLiveTests(MariaDbServer server)
{
    private Task<TestDatabase> DbAsync() => server.DatabaseForAsync(GetType());

    private async Task<SetupReport> CheckAsync(TestDatabase db, string? connectionString = null)
    {
        await using var connection = await SourceConnections.OpenAsync(connectionString ?? db.ReplicationConnectionString);
        var tables = await SchemaDiscovery.DiscoverAsync(connection, DiscoveryFilter.FromNames(includeSchemas: [db.Name]));
        return await SetupChecks.RunAsync(connection, tables);
    }

    [Fact]
    public async Task The_test_server_passes_every_check()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS fine (id INT PRIMARY KEY, t VARCHAR(5))");
        var report = await CheckAsync(db);
        Assert.True(report.CanReplicate, report.ToText());
        Assert.Empty(report.Problems);

        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var facts = await SetupChecks.ReadFactsAsync(connection);
        Assert.True(facts.IsMariaDb);
        Assert.False(facts.IsRds);
        Assert.Equal(server.ReplicationUser + "@%", facts.CurrentUser);
        Assert.Equal("ROW", facts.Variable("binlog_format"));
    }

    [Fact]
    public async Task A_user_without_replication_slave_is_reported()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS fine (id INT PRIMARY KEY, t VARCHAR(5))");
        var user = "noslave_" + Guid.NewGuid().ToString("N")[..8];
        await server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'; GRANT SELECT, BINLOG MONITOR ON *.* TO '{user}'@'%';");
        try
        {
            var cs = new MySqlConnectionStringBuilder(db.ReplicationConnectionString) { UserID = user, Password = "pw" }.ConnectionString;
            var report = await CheckAsync(db, cs);
            var problem = Assert.Single(report.Problems);
            Assert.Equal($"error: privilege REPLICATION SLAVE: '{user}'@'%' cannot read the binlog; fix: GRANT REPLICATION SLAVE ON *.* TO '{user}'@'%';", problem.ToString());
            Assert.False(report.CanReplicate);
        }
        finally
        {
            await server.ExecuteAsync($"DROP USER '{user}'@'%'");
        }
    }

    [Fact]
    public async Task A_minimal_row_image_is_reported()
    {
        var db = await DbAsync();
        var original = (string)(await server.ScalarAsync("SELECT @@GLOBAL.binlog_row_image"))!;
        SetupReport report;
        await server.ExecuteAsync("SET GLOBAL binlog_row_image = 'MINIMAL'");
        try
        {
            await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
            report = new SetupReport(SetupChecks.Evaluate(await SetupChecks.ReadFactsAsync(connection), []));
        }
        finally
        {
            await server.ExecuteAsync($"SET GLOBAL binlog_row_image = '{original}'");
        }
        Assert.Equal(
            "error: binlog_row_image: is MINIMAL, FULL is required; fix: SET GLOBAL binlog_row_image = 'FULL'; and binlog_row_image=FULL under [mysqld] in my.cnf",
            Assert.Single(report.Problems).ToString());
    }

    [Fact]
    public async Task Short_retention_is_reported()
    {
        var db = await DbAsync();
        var original = Convert.ToString(await server.ScalarAsync("SELECT @@GLOBAL.expire_logs_days"), System.Globalization.CultureInfo.InvariantCulture)!;
        var reports = new List<SetupReport>();
        try
        {
            foreach (var days in new[] { "3", "0.5" })
            {
                await server.ExecuteAsync($"SET GLOBAL expire_logs_days = {days}");
                await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
                reports.Add(new SetupReport(SetupChecks.Evaluate(await SetupChecks.ReadFactsAsync(connection), [])));
            }
        }
        finally
        {
            await server.ExecuteAsync($"SET GLOBAL expire_logs_days = {original}");
        }
        Assert.Equal(SetupSeverity.Warning, Assert.Single(reports[0].Problems).Severity);
        Assert.True(reports[0].CanReplicate);
        var error = Assert.Single(reports[1].Problems);
        Assert.Equal(SetupSeverity.Error, error.Severity);
        Assert.Contains("12 hours", error.Problem);
    }

    [Fact]
    public async Task Unsupported_character_sets_of_selected_tables_are_reported()
    {
        var db = await server.CreateDatabaseAsync("setupcharset");
        await db.ExecuteAsync("CREATE TABLE legacy (id INT PRIMARY KEY, t VARCHAR(5) CHARACTER SET keybcs2)");
        var report = await CheckAsync(db);
        var problem = Assert.Single(report.Problems);
        Assert.Equal($"character set of {db.Name}.legacy.t", problem.Setting);
        Assert.Contains("'keybcs2', which is not supported", problem.Problem);
    }

    [Fact]
    public async Task Zombie_cleanup_kills_every_other_connection_of_the_user_only()
    {
        var db = await DbAsync();
        var user = "zombie_" + Guid.NewGuid().ToString("N")[..8];
        await server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'; GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '{user}'@'%';");
        try
        {
            var cs = new MySqlConnectionStringBuilder(db.ReplicationConnectionString) { UserID = user, Password = "pw", Pooling = false }.ConnectionString;
            await using var idle = new MySqlConnection(cs);
            await using var busy = new MySqlConnection(cs);
            await using var kept = new MySqlConnection(cs);
            await using var other = new MySqlConnection(new MySqlConnectionStringBuilder(db.ReplicationConnectionString) { Pooling = false }.ConnectionString);
            await using var self = new MySqlConnection(cs);
            foreach (var c in new[] { idle, busy, kept, other, self }) await c.OpenAsync();
            var (idleId, busyId, keptId) = (idle.ServerThread, busy.ServerThread, kept.ServerThread);

            // A long-running query of a zombie: it is killed mid-statement.
            var sleeping = new MySqlCommand("SELECT SLEEP(60)", busy).ExecuteScalarAsync();
            await WaitUntilAsync(self, $"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = {busyId} AND COMMAND = 'Query'");

            var killed = await ZombieCleanup.KillOtherConnectionsAsync(self, keep: [keptId]);
            Assert.Equal(new long[] { idleId, busyId }.Order(), killed.Select(k => k.Id).Order());
            Assert.Contains(killed, k => k.Id == busyId && k.Command == "Query");

            await Assert.ThrowsAnyAsync<Exception>(async () => await sleeping);
            await Assert.ThrowsAnyAsync<MySqlException>(() => new MySqlCommand("SELECT 1", idle).ExecuteScalarAsync());
            foreach (var alive in new[] { kept, other, self })
            {
                Assert.Equal(1, Convert.ToInt32(await new MySqlCommand("SELECT 1", alive).ExecuteScalarAsync()));
            }
            Assert.Empty(await ZombieCleanup.KillOtherConnectionsAsync(self, keep: [keptId]));
        }
        finally
        {
            await server.ExecuteAsync($"DROP USER '{user}'@'%'");
        }
    }

    private static async Task WaitUntilAsync(MySqlConnection connection, string countSql)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (Convert.ToInt64(await new MySqlCommand(countSql, connection).ExecuteScalarAsync()) > 0) return;
            await Task.Delay(20);
        }
        throw new TimeoutException(countSql);
    }
}
