using MySqlConnector;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Sync;

/// <summary>
/// <c>sluice sync</c> kills the replication user's other sessions at start and says so with their hosts;
/// <c>--no-kill-zombies</c> leaves them alone.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class ZombieSessionsTests(MariaDbServer server) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(MySqlConnection Session, string Host)> OtherSessionAsync(TestDatabase db)
    {
        var session = new MySqlConnection(new MySqlConnectionStringBuilder(db.ReplicationConnectionString) { Pooling = false }.ConnectionString);
        await session.OpenAsync();
        await using var command = new MySqlCommand("SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()", session);
        return (session, (string)(await command.ExecuteScalarAsync())!);
    }

    private static async Task<bool> AliveAsync(MySqlConnection session)
    {
        try
        {
            await using var command = new MySqlCommand("SELECT 1", session);
            await command.ExecuteScalarAsync();
            return true;
        }
        catch (MySqlException)
        {
            return false;
        }
    }

    private async Task<(int Code, string Output, string Error)> SyncOnceAsync(TestDatabase db, string name, params string[] extra)
    {
        var config = _dir.File(name + ".json");
        File.WriteAllText(config, $$"""{ "connectorId": "{{name}}", "includeSchemas": ["{{db.Name}}"] }""");
        return await SluiceChild.RunAsync(TimeSpan.FromMinutes(3),
        [
            "sync", "--source", db.ReplicationConnectionString, "--destination", "duckdb:" + _dir.File(name + ".duckdb"),
            "--config", config, "--log-format", "text", "--once", .. extra,
        ]);
    }

    [Fact]
    public async Task Other_sessions_of_the_user_are_killed_and_named_with_their_hosts()
    {
        var db = await server.CreateDatabaseAsync("zombies");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1);");
        var (session, host) = await OtherSessionAsync(db);
        await using (session)
        {
            var (code, output, error) = await SyncOnceAsync(db, "kill");
            Assert.True(code == 0, $"exit {code}: {error}\n{output}");
            Assert.Matches("killed [1-9][0-9]* other session\\(s\\) of user '[^']+': .*" + System.Text.RegularExpressions.Regex.Escape(host), output);
            Assert.False(await AliveAsync(session));
        }
    }

    [Fact]
    public async Task No_kill_zombies_leaves_them_alone_and_says_so()
    {
        var db = await server.CreateDatabaseAsync("nozombies");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1);");
        var (session, _) = await OtherSessionAsync(db);
        await using (session)
        {
            var (code, output, error) = await SyncOnceAsync(db, "keep", "--no-kill-zombies");
            Assert.True(code == 0, $"exit {code}: {error}\n{output}");
            Assert.Contains("--no-kill-zombies: the other sessions of user", output, StringComparison.Ordinal);
            Assert.DoesNotContain("other session(s) of user", output, StringComparison.Ordinal);
            Assert.True(await AliveAsync(session));
        }
    }
}
