using Sluice.Testing;

namespace Sluice.Actors.Tests.Connector;

[Collection(MariaDbCollection.Name)]
public sealed class StartFailureTests(MariaDbServer server)
{
    [Fact]
    public async Task A_once_run_that_cannot_log_in_fails_with_the_servers_reason()
    {
        var db = await server.CreateDatabaseAsync("badlogin");
        await using var harness = new ConnectorHarness(db);
        var wrong = new MySqlConnector.MySqlConnectionStringBuilder(harness.Config.SourceConnectionString) { Password = "wrong" };
        harness.Config = harness.Config with { SourceConnectionString = wrong.ConnectionString };
        var result = await harness.RunOnceAsync();
        Assert.Equal("failed", result.Outcome);
        Assert.Contains("Access denied", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("failed", result.Status.Phase);
    }
}
