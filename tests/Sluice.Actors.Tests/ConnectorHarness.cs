using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using Sluice.Actors.Connector;
using Sluice.Actors.Snapshot;
using Sluice.Host;
using Sluice.Replication.Connectors;
using Sluice.Replication.Discovery;
using Sluice.Replication.Positions;
using Sluice.Replication.Values;
using Sluice.Replication.Verify;
using Sluice.Testing;

namespace Sluice.Actors.Tests;

/// <summary>
/// One connector's files in a temp folder (SQLite state, DuckDB destination) and the helpers tests use: hosts, runs,
/// waiting on status, verification against the source.
/// </summary>
public sealed class ConnectorHarness : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-actors-" + Guid.NewGuid().ToString("N")[..10]);

    public ConnectorHarness(TestDatabase database, string id = "test")
    {
        Database = database;
        Directory.CreateDirectory(_directory);
        Config = new ConnectorConfig(id, database.Server.ReplicationConnectionString(), DestinationPath,
            DiscoveryFilter.FromNames(includeSchemas: [database.Name]), [], ChunkSize: 50, MaxParallelSnapshots: 2)
        {
            KillZombieConnections = false,
            CheckpointInterval = TimeSpan.FromMilliseconds(100),
            MinRestartDelay = TimeSpan.FromMilliseconds(200),
            MaxRestartDelay = TimeSpan.FromSeconds(2),
        };
    }

    public TestDatabase Database { get; }

    public ConnectorConfig Config { get; set; }

    public string DestinationPath => Path.Combine(_directory, "destination.duckdb");

    public string StateDirectory => Path.Combine(_directory, "state");

    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    public Task<SingleNodeHost> StartHostAsync() =>
        SingleNodeHost.StartAsync(new SingleNodeOptions { Persistence = new PersistenceOptions { StateDirectory = StateDirectory } },
            LoggerFactory, CancellationToken.None);

    /// <summary>A once run on a fresh host (disposed afterwards).</summary>
    public async Task<ConnectorRunResult> RunOnceAsync(TimeSpan? timeout = null)
    {
        await using var host = await StartHostAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        var run = host.RunAsync(Config, once: true, CancellationToken.None);
        var finished = await Task.WhenAny(run, Task.Delay(Timeout.Infinite, cts.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        if (finished != run) throw new TimeoutException("the once run did not complete; last status: " + Describe(host.Status));
        return await run;
    }

    /// <summary>Polls <paramref name="condition"/> on the host's status until it holds (bounded).</summary>
    public static async Task<ConnectorStatus> WaitForAsync(SingleNodeHost host, Func<ConnectorStatus, bool> condition, string what,
        TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var status = host.Status;
            if (condition(status)) return status;
            if (status.Phase is "failed" or "completed" or "stopped" && !condition(status))
            {
                throw new InvalidOperationException($"waiting for {what}, the connector ended: {Describe(status)}");
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waiting for {what}; last status: {Describe(status)}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until every table streams and the checkpoint reached the source's current position.</summary>
    public async Task<ConnectorStatus> WaitCaughtUpAsync(SingleNodeHost host, TimeSpan? timeout = null)
    {
        var target = await CurrentPositionAsync();
        return await WaitForAsync(host, s => s.Tables.Count > 0 && s.Tables.All(t => t.State == "streaming") && s.Position is not null
            && BinlogPositionComparer.Instance.Compare(s.Position, target) >= 0, "the connector to catch up with " + target, timeout);
    }

    public async Task<string> CurrentPositionAsync()
    {
        await using var connection = await SourceConnections.OpenAsync(Database.Server.RootConnectionString());
        return await SourcePositions.ReadCurrentAsync(connection, CancellationToken.None);
    }

    /// <summary>Verifies every table of the test database against the destination; returns the report (asserting it is clean).</summary>
    public async Task<DatabaseVerification> VerifyAsync()
    {
        await using var source = await SourceConnections.OpenAsync(Database.RootConnectionString);
        await using var destination = await DatabaseVerifier.OpenReadOnlyAsync(DestinationPath);
        var report = await DatabaseVerifier.VerifyAsync(source, destination, DiscoveryFilter.FromNames(includeSchemas: [Database.Name]));
        Assert.True(report.IsClean, report.ToText());
        return report;
    }

    /// <summary>Runs a query on the destination (read-only) and returns the rows.</summary>
    public async Task<List<object?[]>> QueryDestinationAsync(string sql)
    {
        await using var connection = await DatabaseVerifier.OpenReadOnlyAsync(DestinationPath);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                // BLOBs come as streams over the reader's memory: copy them while the reader is open.
                var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                if (value is Stream stream)
                {
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    value = copy.ToArray();
                }
                row[i] = value;
            }
            rows.Add(row);
        }
        return rows;
    }

    public async Task<long> CountDestinationAsync(string table, string where = "true") =>
        Convert.ToInt64((await QueryDestinationAsync($"SELECT COUNT(*) FROM \"{Database.Name}\".\"{table}\" WHERE {where}"))[0][0],
            System.Globalization.CultureInfo.InvariantCulture);

    public static string Describe(ConnectorStatus status) =>
        $"{status.Phase} position={status.Position} error={status.LastError} tables=[{string.Join(", ", status.Tables.Select(t => $"{t.Table}:{t.State}:{t.RowsCopied}{(t.LastError is null ? "" : " " + t.LastError)}"))}] events=[{string.Join(" | ", status.Events)}]";

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
