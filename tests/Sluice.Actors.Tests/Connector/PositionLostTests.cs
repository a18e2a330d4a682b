using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class PositionLostTests(MariaDbServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_purged_binlog_resyncs_every_table_and_says_so()
    {
        var db = await server.CreateDatabaseAsync("purged");
        await db.ExecuteAsync("""
            CREATE TABLE a (id INT PRIMARY KEY, v INT);
            CREATE TABLE b (v INT);
            INSERT INTO a SELECT seq, seq FROM seq_1_to_100;
            INSERT INTO b SELECT seq FROM seq_1_to_50;
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);

        // While the connector is stopped: changes, then the binlog holding them is purged.
        await server.ExecuteAsync("FLUSH BINARY LOGS");
        await db.ExecuteAsync("DELETE FROM a WHERE id <= 10; UPDATE a SET v = 0 WHERE id > 90; INSERT INTO b VALUES (1000); DELETE FROM b WHERE v = 1;");
        await server.ExecuteAsync("FLUSH BINARY LOGS");
        var current = (string?)await server.ScalarAsync("SELECT @@GLOBAL.log_bin_basename");
        var file = await CurrentFileAsync();
        // A file a dump thread still reads is kept (with a warning): retry until the earlier run's connection is gone.
        var oldest = "";
        await Eventually.UntilAsync(async () =>
        {
            await server.ExecuteAsync($"PURGE BINARY LOGS TO '{file}'");
            oldest = await OldestFileAsync();
            return oldest == file;
        }, TimeSpan.FromSeconds(30), () => $"the binlogs before {file} to be purged (oldest: {oldest})");
        output.WriteLine($"purged up to {file} ({current})");

        var result = await harness.RunOnceAsync();
        Assert.Equal("completed", result.Outcome);
        Assert.Contains(result.Status.Events, e => e.Contains("position_lost", StringComparison.Ordinal));
        Assert.All(result.Status.Tables, t => Assert.Equal("streaming", t.State));
        await harness.VerifyAsync();
        // Re-synced from scratch: the rows deleted while the binlog was lost are gone, not live.
        Assert.Equal(0, await harness.CountDestinationAsync("a", "id <= 10 AND NOT _fivetran_deleted"));

        async Task<string> OldestFileAsync()
        {
            await using var connection = new MySqlConnector.MySqlConnection(server.RootConnectionString());
            await connection.OpenAsync();
            await using var command = new MySqlConnector.MySqlCommand("SHOW BINARY LOGS", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return reader.GetString(0);
        }

        async Task<string> CurrentFileAsync()
        {
            var position = await harness.CurrentPositionAsync();
            return position.Split(':')[0];
        }
    }
}
