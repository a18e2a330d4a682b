using MySqlConnector;

namespace Sluice.Bench;

/// <summary>SQL helpers and the per-benchmark config file and temp folder.</summary>
internal static class BenchDatabase
{
    public static async Task ExecAsync(BenchServer server, string sql, string? database = null)
    {
        await using var conn = new MySqlConnection(server.RootConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand(sql, conn) { CommandTimeout = 1200 };
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A temp folder holding a config file that selects <paramref name="database"/> only (default chunk size).</summary>
    public static (DirectoryInfo Dir, string Config) Workspace(string database)
    {
        var dir = Directory.CreateTempSubdirectory("sluice-bench-");
        var config = Path.Combine(dir.FullName, "config.json");
        File.WriteAllText(config, $$"""{ "connectorId": "bench", "includeSchemas": ["{{database}}"] }""");
        return (dir, config);
    }

    public static string[] SyncArgs(BenchServer server, DirectoryInfo dir, string config, bool once)
    {
        var args = new List<string>
        {
            "sync", "--source", server.ReplicationConnectionString(),
            "--destination", "duckdb:" + Path.Combine(dir.FullName, "bench.duckdb"),
            "--state", Path.Combine(dir.FullName, "state"), "--config", config, "--status-interval", "0.5",
        };
        if (once) args.Add("--once");
        return [.. args];
    }
}
