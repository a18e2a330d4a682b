using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Binlog.Protocol;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Client;

/// <summary>
/// The source server restarts (stop, then start on the same port and data directory) while a client streams and a
/// writer writes: the client reconnects and every event arrives exactly once. Uses its own throwaway server, because
/// restarting the shared one would disturb the other tests.
/// </summary>
public sealed class BinlogClientRestartTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sluice-restart-" + Guid.NewGuid().ToString("N")[..10]);
    private Dictionary<string, string> _env = [];
    private int _pid;

    public async Task InitializeAsync()
    {
        await RunAsync("bash", [RepositoryPaths.File("scripts/mariadb-test-server.sh"), "start", _dir,
            "--owner-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        _env = File.ReadAllLines(Path.Combine(_dir, "server.env")).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);
        _pid = int.Parse(_env["SLUICE_TEST_MYSQL_PID"], CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        Terminate(_pid);
        await WaitForExitAsync(_pid);
        await RunAsync("bash", [RepositoryPaths.File("scripts/mariadb-test-server.sh"), "stop", _dir]);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string ConnectionString(string user, string password, string? database = null)
    {
        var b = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1", Port = uint.Parse(_env["SLUICE_TEST_MYSQL_PORT"], CultureInfo.InvariantCulture),
            UserID = user, Password = password, SslMode = MySqlSslMode.None, Pooling = false, ConnectionTimeout = 5,
        };
        if (database is not null) b.Database = database;
        return b.ConnectionString;
    }

    private string Root(string? db = null) =>
        ConnectionString(_env["SLUICE_TEST_MYSQL_ROOT_USER"], _env.GetValueOrDefault("SLUICE_TEST_MYSQL_ROOT_PASSWORD", ""), db);

    [Fact]
    public async Task A_server_restart_while_streaming_is_a_reconnect_and_every_event_arrives_once()
    {
        await ExecAsync(Root(), "CREATE DATABASE r; CREATE TABLE r.t (id INT PRIMARY KEY, v VARCHAR(20))");
        var client = new BinlogClient(new BinlogClientOptions
        {
            Connection = BinlogConnectionOptions.Parse(ConnectionString(_env["SLUICE_TEST_MYSQL_REPL_USER"],
                _env.GetValueOrDefault("SLUICE_TEST_MYSQL_REPL_PASSWORD", ""))) with { SslMode = BinlogSslMode.Disabled },
            StopAtEnd = false,
            InitialReconnectDelay = TimeSpan.FromMilliseconds(100),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
            MaxReconnectAttempts = 120,
        });
        var start = await client.GetCurrentPositionAsync();

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var inserted = new List<int>();
        var reader = Task.Run(async () =>
        {
            await foreach (var item in client.StreamAsync(BinlogStartPosition.FromFile(start.FileName, start.Position), cts.Token))
            {
                if (item.Event is WriteRowsEvent w && w.Table?.Schema == "r")
                    lock (inserted) inserted.AddRange(w.Rows.Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture)));
            }
        });

        const int Total = 60;
        var restarted = false;
        var writer = Task.Run(async () =>
        {
            for (var id = 1; id <= Total; id++)
            {
                // An insert that fails while the server is down is retried; INSERT IGNORE keeps it one row if it committed.
                await Eventually.UntilAsync(async () =>
                {
                    try
                    {
                        await ExecAsync(Root("r"), string.Create(CultureInfo.InvariantCulture, $"INSERT IGNORE INTO t VALUES ({id}, 'v{id}')"));
                        return true;
                    }
                    catch (MySqlException)
                    {
                        return false;
                    }
                }, TimeSpan.FromMinutes(2), () => $"insert {id} to succeed");
                if (id == Total / 3) await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref restarted)), TimeSpan.FromMinutes(2), () => "the restart");
            }
        });

        await Eventually.UntilAsync(() => Task.FromResult(Count(inserted) >= Total / 3), TimeSpan.FromSeconds(60), () => "the first rows to stream");
        await RestartAsync();
        Volatile.Write(ref restarted, true);
        await writer;
        await Eventually.UntilAsync(() => Task.FromResult(Count(inserted) >= Total), TimeSpan.FromSeconds(90),
            () => $"all {Total} inserts to stream (got {Count(inserted)})");
        await cts.CancelAsync();
        try { await reader; } catch (OperationCanceledException) { }

        List<int> got;
        lock (inserted) got = [.. inserted];
        Assert.Equal(Enumerable.Range(1, Total).ToList(), got.Order().ToList());
        Assert.Equal(got.Count, got.Distinct().Count());
    }

    private static int Count(List<int> list)
    {
        lock (list) return list.Count;
    }

    /// <summary>Stops mariadbd (SIGTERM, a clean shutdown) and starts it again with the same command line.</summary>
    private async Task RestartAsync()
    {
        var args = (await File.ReadAllTextAsync($"/proc/{_pid}/cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        await RunAsync("kill", ["-TERM", _pid.ToString(CultureInfo.InvariantCulture)]);
        await WaitForExitAsync(_pid);
        var psi = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Skip(1)) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start mariadbd again");
        _pid = process.Id;
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await ExecAsync(Root(), "SELECT 1");
                return true;
            }
            catch (MySqlException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => "mariadbd to accept connections again");
    }

    private static void Terminate(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: false);
        }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
    }

    private static Task WaitForExitAsync(int pid) =>
        Eventually.UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}") || IsZombie(pid)), TimeSpan.FromSeconds(60), () => $"process {pid} to exit");

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z";
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var conn = new MySqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var err = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await err}{await output}");
    }
}
