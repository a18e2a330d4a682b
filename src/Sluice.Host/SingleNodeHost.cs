using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Actors.Connector;
using Sluice.Actors.Contracts;
using Sluice.Replication.Connectors;

namespace Sluice.Host;

/// <summary>Options of a <see cref="SingleNodeHost"/>.</summary>
public sealed record SingleNodeOptions
{
    /// <summary>The connector state (journal, snapshots): see <see cref="PersistenceOptions"/>.</summary>
    public PersistenceOptions Persistence { get; init; } = new();

    /// <summary>An optional HOCON tuning file (dispatchers, timeouts); environment values belong in the option classes.</summary>
    public string? TuningFile { get; init; }

    /// <summary>The actor system's name.</summary>
    public string SystemName { get; init; } = "sluice";
}

/// <summary>
/// A local, single-node actor system (Microsoft.Extensions.Hosting + Akka.Hosting) that runs one connector at a time:
/// <see cref="RunAsync"/> starts its <see cref="ConnectorActor"/> and completes when the connector ends (a once run
/// reached its target, cancellation stopped it cleanly, or it failed). <see cref="Status"/> follows the running
/// connector. Dispose to shut the actor system down.
/// </summary>
public sealed class SingleNodeHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ILogger _logger;
    private volatile ConnectorStatus _status = ConnectorStatus.Starting;
    private IActorRef? _connector;

    private SingleNodeHost(IHost host, ActorSystem system, ILoggerFactory loggerFactory)
    {
        _host = host;
        System = system;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SingleNodeHost>();
    }

    public ActorSystem System { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The latest status of the running (or last) connector.</summary>
    public ConnectorStatus Status => _status;

    /// <summary>Raised (on an actor thread: keep handlers short) with every new status, a few times a second.</summary>
    public event Action<ConnectorStatus>? StatusChanged;

    public static async Task<SingleNodeHost> StartAsync(SingleNodeOptions options, ILoggerFactory loggerFactory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var builder = new HostBuilder().ConfigureServices(services =>
        {
            services.AddSingleton(loggerFactory);
            services.AddAkka(options.SystemName, (akka, _) =>
            {
                akka.ConfigureLoggers(logging =>
                    {
                        logging.LogLevel = Akka.Event.LogLevel.WarningLevel;
                        logging.ClearLoggers();
                        logging.AddLoggerFactory(loggerFactory);
                    })
                    .WithSluiceTuningFile(options.TuningFile)
                    .WithSluicePersistence(options.Persistence)
                    .WithSluiceConnectors()
                    .AddHocon("akka.coordinated-shutdown.exit-clr = off\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off",
                        HoconAddMode.Prepend);
            });
        });
        var host = builder.Build();
        await host.StartAsync(ct);
        var system = host.Services.GetRequiredService<ActorSystem>();
        return new SingleNodeHost(host, system, loggerFactory);
    }

    /// <summary>
    /// Runs one connector until it ends. <paramref name="once"/>: snapshot what is missing, apply the binlog up to the
    /// position current at start, then complete (a second run resumes). Otherwise it streams until
    /// <paramref name="ct"/> is cancelled, then stops cleanly (in-flight writes finish, the checkpoint is persisted).
    /// </summary>
    public async Task<ConnectorRunResult> RunAsync(ConnectorConfig config, bool once, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (_connector is not null) throw new InvalidOperationException("a connector is already running on this host");
        var runtime = new ConnectorRuntime
        {
            LoggerFactory = LoggerFactory,
            Once = once,
            OnStatus = status =>
            {
                _status = status;
                StatusChanged?.Invoke(status);
            },
        };
        _status = ConnectorStatus.Starting;
        var connector = System.ActorOf(ConnectorActor.Props(config, runtime), "connector-" + Uri.EscapeDataString(config.Id));
        _connector = connector;
        try
        {
            await using (ct.Register(() => connector.Tell(new StopConnector(config.Id))))
            {
                var result = await runtime.Completion.Task.ConfigureAwait(false);
                _status = result.Status;
                return result;
            }
        }
        finally
        {
            // The connector stopped itself; wait until its name is free for the next run.
            await WaitTerminatedAsync(connector);
            _connector = null;
        }
    }

    /// <summary>
    /// The persisted state of connector <paramref name="connectorId"/> (its salt, checkpoint, tables), recovered from the
    /// state store without running it; <see cref="ConnectorState.IsInitialized"/> is false for a connector never started.
    /// </summary>
    public async Task<ConnectorState> ReadConnectorStateAsync(string connectorId, CancellationToken ct = default)
    {
        var result = new TaskCompletionSource<ConnectorState>(TaskCreationOptions.RunContinuationsAsynchronously);
        System.ActorOf(ConnectorStateReader.Props(connectorId, result));
        return await result.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Asks the running connector for its status (null when none runs).</summary>
    public async Task<ConnectorStatus?> AskStatusAsync(TimeSpan timeout)
    {
        if (_connector is not { } connector) return null;
        try
        {
            return await connector.Ask<ConnectorStatus>(new GetConnectorStatus(""), timeout);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private async Task WaitTerminatedAsync(IActorRef actor)
    {
        try
        {
            await actor.WatchAsync();
        }
        catch (Exception ex) when (ex is TaskCanceledException or InvalidOperationException)
        {
            _logger.LogDebug(ex, "waiting for the connector to stop");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connector is { } connector)
        {
            connector.Tell(new StopConnector(""));
            await WaitTerminatedAsync(connector);
        }
        await _host.StopAsync();
        _host.Dispose();
    }
}
