using MySqlConnector;

namespace Sluice.Bench;

/// <summary>The live server the benchmarks run against, from the SLUICE_TEST_MYSQL_* variables build.sh sets.</summary>
internal sealed record BenchServer(string Host, int Port, string RootUser, string RootPassword, string ReplUser, string ReplPassword)
{
    public static BenchServer FromEnvironment()
    {
        string Need(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? v
            : throw new InvalidOperationException($"{name} is not set: run the benchmarks with ./build.sh bench (it starts a server)");
        return new BenchServer(
            Environment.GetEnvironmentVariable("SLUICE_TEST_MYSQL_HOST") ?? "127.0.0.1",
            int.Parse(Need("SLUICE_TEST_MYSQL_PORT"), System.Globalization.CultureInfo.InvariantCulture),
            Need("SLUICE_TEST_MYSQL_ROOT_USER"),
            Environment.GetEnvironmentVariable("SLUICE_TEST_MYSQL_ROOT_PASSWORD") ?? "",
            Need("SLUICE_TEST_MYSQL_REPL_USER"),
            Environment.GetEnvironmentVariable("SLUICE_TEST_MYSQL_REPL_PASSWORD") ?? "");
    }

    public string RootConnectionString(string? database = null) => new MySqlConnectionStringBuilder
    {
        Server = Host, Port = (uint)Port, UserID = RootUser, Password = RootPassword, SslMode = MySqlSslMode.None,
        Database = database ?? "", DefaultCommandTimeout = 600, AllowUserVariables = true,
    }.ConnectionString;

    public string ReplicationConnectionString() => new MySqlConnectionStringBuilder
    {
        Server = Host, Port = (uint)Port, UserID = ReplUser, Password = ReplPassword, SslMode = MySqlSslMode.None,
    }.ConnectionString;

    public async Task<(string File, long Position)> MasterStatusAsync()
    {
        await using var conn = new MySqlConnection(RootConnectionString());
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand("SHOW MASTER STATUS", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException("SHOW MASTER STATUS returned nothing: is log_bin on?");
        return (reader.GetString(0), reader.GetInt64(1));
    }
}
