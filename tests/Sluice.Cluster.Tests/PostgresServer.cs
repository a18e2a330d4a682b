using System.Diagnostics;
using Npgsql;
using Sluice.Testing;

namespace Sluice.Cluster.Tests;

/// <summary>
/// A throwaway PostgreSQL server (scripts/postgres-test-server.sh: Debian's postgresql package, initdb in a temp
/// folder, loopback, a free port), or the one named by <c>SLUICE_TEST_PG_PORT</c>/<c>SLUICE_TEST_PG_USER</c>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _ownedDir;

    public string Host { get; private set; } = "127.0.0.1";
    public int Port { get; private set; }
    public string User { get; private set; } = "sluice";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("SLUICE_TEST_PG_PORT") is { Length: > 0 } port)
        {
            Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
            User = Environment.GetEnvironmentVariable("SLUICE_TEST_PG_USER") is { Length: > 0 } u ? u : "postgres";
            return;
        }
        _ownedDir = Path.Combine(Path.GetTempPath(), "sluice-test-pg-" + Guid.NewGuid().ToString("N")[..12]);
        await RunScriptAsync($"start \"{_ownedDir}\" --owner-pid {Environment.ProcessId}");
        var values = File.ReadAllLines(Path.Combine(_ownedDir, "server.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Port = int.Parse(values["SLUICE_TEST_PG_PORT"], System.Globalization.CultureInfo.InvariantCulture);
        User = values["SLUICE_TEST_PG_USER"];
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = Host, Port = Port, Username = User, Database = database, Pooling = true }.ConnectionString;

    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"t_{prefix.ToLowerInvariant()}_{Guid.NewGuid().ToString("N")[..8]}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_ownedDir is not null) await RunScriptAsync($"stop \"{_ownedDir}\"");
    }

    private static async Task RunScriptAsync(string arguments)
    {
        var script = RepositoryPaths.File("scripts/postgres-test-server.sh");
        var psi = new ProcessStartInfo("bash", $"\"{script}\" {arguments}") { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"postgres-test-server.sh {arguments} failed: {await stderr}{await stdout}");
    }
}
