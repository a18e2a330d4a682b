using MySqlConnector;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Sync;

/// <summary>Bad input to <c>sluice sync</c>/<c>verify</c>: one line naming the thing and the fix, no stack trace, no password.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class SyncErrorTests(MariaDbServer server) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertOneLine(CliRunner.Result result, int exitCode, string expected, string? secret = null)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}, stderr: {result.Error}");
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("sluice: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", result.Error);
        if (secret is not null)
        {
            Assert.DoesNotContain(secret, result.Error);
            Assert.DoesNotContain(secret, result.Output);
        }
    }

    private string Dest => "duckdb:" + _dir.File("d.duckdb");

    [Fact]
    public async Task Unknown_destination_scheme()
    {
        var result = await CliRunner.RunAsync("sync", "--source", server.ReplicationConnectionString(), "--destination", "snowflake:acct",
            "--log-format", "json");
        AssertOneLine(result, 2, "--destination scheme 'snowflake' is not supported: use duckdb:PATH");
    }

    [Fact]
    public async Task Unreadable_config()
    {
        var result = await CliRunner.RunAsync("sync", "--source", server.ReplicationConnectionString(), "--destination", Dest,
            "--config", _dir.File("nope.json"), "--log-format", "json");
        AssertOneLine(result, 2, "nope.json' cannot be read");
    }

    [Fact]
    public async Task Invalid_config_names_the_field()
    {
        File.WriteAllText(_dir.File("c.json"), """{ "chunkSize": -1 }""");
        var result = await CliRunner.RunAsync("verify", "--source", server.ReplicationConnectionString(), "--destination", Dest,
            "--config", _dir.File("c.json"));
        AssertOneLine(result, 2, "'chunkSize' must be an integer from 1 to");
    }

    [Fact]
    public async Task Unreachable_source()
    {
        // A port nothing listens on: take a free one and close it again.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var cs = $"Server=127.0.0.1;Port={port};User ID=x;Password=Very$ecret1;SslMode=None;Connection Timeout=5";
        var result = await CliRunner.RunAsync("sync", "--source", cs, "--destination", Dest, "--log-format", "json");
        AssertOneLine(result, 1, $"cannot reach the source at 127.0.0.1:{port}", "Very$ecret1");
        Assert.Contains("check Server and Port in --source", result.Error);
    }

    [Fact]
    public async Task Wrong_password_is_named_but_never_printed()
    {
        var cs = new MySqlConnectionStringBuilder(server.ReplicationConnectionString()) { Password = "Wr0ngPassw0rd" }.ConnectionString;
        var result = await CliRunner.RunAsync("sync", "--source", cs, "--destination", Dest, "--log-format", "json");
        AssertOneLine(result, 1, "refused the login of user", "Wr0ngPassw0rd");
        Assert.Contains("check User ID and Password in --source", result.Error);
    }

    [Fact]
    public async Task Setup_check_failure_names_the_grant_and_the_fix()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)");
        var user = "nogrant_" + Guid.NewGuid().ToString("N")[..8];
        await server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY 'N0grant-pw'; GRANT SELECT ON `{db.Name}`.* TO '{user}'@'%'");
        try
        {
            var cs = new MySqlConnectionStringBuilder(server.ReplicationConnectionString()) { UserID = user, Password = "N0grant-pw" }.ConnectionString;
            var result = await CliRunner.RunAsync("sync", "--source", cs, "--destination", Dest, "--log-format", "json");
            Assert.Equal(3, result.ExitCode);
            var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.StartsWith("sluice: setup check failed: ", l));
            Assert.Contains(lines, l => l.Contains("REPLICATION SLAVE", StringComparison.Ordinal) && l.Contains("fix: GRANT", StringComparison.Ordinal));
            Assert.DoesNotContain("N0grant-pw", result.Error + result.Output);
        }
        finally
        {
            await server.ExecuteAsync($"DROP USER '{user}'@'%'");
        }
    }

    [Fact]
    public async Task Verify_of_a_missing_destination()
    {
        var result = await CliRunner.RunAsync("verify", "--source", server.ReplicationConnectionString(), "--destination", Dest);
        AssertOneLine(result, 2, "does not exist: run 'sluice sync' first");
    }

    [Fact]
    public async Task A_typo_in_hashed_columns_exits_2_with_the_closest_name_and_writes_nothing()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS customers (id INT PRIMARY KEY, email VARCHAR(100))");
        File.WriteAllText(_dir.File("c.json"), $$"""{ "includeSchemas": ["{{db.Name}}"], "hashedColumns": ["{{db.Name}}.customers.emial"] }""");
        var destination = _dir.File("typo.duckdb");
        var result = await CliRunner.RunAsync("sync", "--source", server.ReplicationConnectionString(), "--destination", "duckdb:" + destination,
            "--config", _dir.File("c.json"), "--log-format", "json", "--once");
        AssertOneLine(result, 2, $"'hashedColumns': {db.Name}.customers.emial matches no column; did you mean {db.Name}.customers.email?");
        Assert.False(File.Exists(destination), "the destination was created");
    }

    [Fact]
    public async Task Excluding_a_primary_key_column_exits_2()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS customers (id INT PRIMARY KEY, email VARCHAR(100))");
        File.WriteAllText(_dir.File("c.json"), $$"""{ "includeSchemas": ["{{db.Name}}"], "excludeColumns": ["{{db.Name}}.customers.id"] }""");
        var result = await CliRunner.RunAsync("sync", "--source", server.ReplicationConnectionString(), "--destination", Dest,
            "--config", _dir.File("c.json"), "--log-format", "json", "--once");
        AssertOneLine(result, 2, $"'excludeColumns': {db.Name}.customers.id is part of the primary key");
    }
}
