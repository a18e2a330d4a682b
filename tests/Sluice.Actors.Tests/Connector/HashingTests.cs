using Sluice.Actors.Connector;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class HashingTests(MariaDbServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Hashed_columns_use_the_connectors_persisted_salt_across_runs()
    {
        var db = await server.CreateDatabaseAsync("hashing");
        await db.ExecuteAsync("""
            CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(50), secret INT);
            INSERT INTO people VALUES (1, 'a@example.com', 7), (2, NULL, 8);
            """);
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        harness.Config = harness.Config with { HashedColumns = [$"{db.Name}.people.email"] };
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);
        var first = (string)(await harness.QueryDestinationAsync($"SELECT email FROM \"{db.Name}\".people WHERE id = 1"))[0][0]!;
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Null((await harness.QueryDestinationAsync($"SELECT email FROM \"{db.Name}\".people WHERE id = 2"))[0][0]);

        // A later run (same state) streams a row with the same value: same salt, same hash.
        await db.ExecuteAsync("INSERT INTO people VALUES (3, 'a@example.com', 9)");
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);
        var second = (string)(await harness.QueryDestinationAsync($"SELECT email FROM \"{db.Name}\".people WHERE id = 3"))[0][0]!;
        Assert.Equal(first, second);

        // The salt is readable from the state store (what verify needs), and verify with it passes.
        await using var host = await harness.StartHostAsync();
        var state = await host.ReadConnectorStateAsync(harness.Config.Id);
        var salt = state.SaltBytes();
        Assert.NotNull(salt);
        Assert.Equal(32, salt.Length);
        await using var source = await Sluice.Replication.Values.SourceConnections.OpenAsync(db.RootConnectionString);
        await using var destination = await Sluice.Replication.Verify.DatabaseVerifier.OpenReadOnlyAsync(harness.DestinationPath);
        var report = await Sluice.Replication.Verify.DatabaseVerifier.VerifyAsync(source, destination,
            Sluice.Replication.Discovery.DiscoveryFilter.FromNames(includeSchemas: [db.Name]),
            new Sluice.Replication.Verify.VerifyOptions { Hashing = new Sluice.Replication.Destinations.ColumnHashing(salt, harness.Config.HashedColumns) });
        Assert.True(report.IsClean, report.ToText());
    }

    [Fact]
    public async Task A_missing_destination_file_makes_every_table_copy_again()
    {
        var db = await server.CreateDatabaseAsync("lostdest");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t SELECT seq FROM seq_1_to_30;");
        await using var harness = new ConnectorHarness(db) { LoggerFactory = TestOutputLoggerProvider.Factory(output) };
        Assert.Equal("completed", (await harness.RunOnceAsync()).Outcome);
        File.Delete(harness.DestinationPath);
        if (File.Exists(harness.DestinationPath + ".wal")) File.Delete(harness.DestinationPath + ".wal");
        var again = await harness.RunOnceAsync();
        Assert.Equal("completed", again.Outcome);
        Assert.Contains(again.Status.Events, e => e.Contains("destination_missing", StringComparison.Ordinal));
        await harness.VerifyAsync();
    }
}
