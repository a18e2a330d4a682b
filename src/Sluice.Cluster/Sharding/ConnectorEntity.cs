using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Microsoft.Extensions.Logging;
using Sluice.Actors;
using Sluice.Actors.Connector;
using Sluice.Actors.Contracts;
using Sluice.Cluster.Node;
using Sluice.Binlog.Retry;
using Sluice.Replication.Connectors;
using Sluice.Replication.Discovery;
using Sluice.Replication.Values;
using Sluice.Replication.Secrets;

namespace Sluice.Cluster.Sharding;

/// <summary>
/// One connector in the cluster: the sharded entity (entity id = connector id, persistence id
/// <c>connector-entity-&lt;id&gt;</c>). It persists the connector's definition and desired state (defined, paused,
/// deleted), so when sharding re-creates it on another node (failover, rebalance, full restart with remember-entities)
/// it knows its configuration from its own journal. It runs the (unchanged) <see cref="ConnectorActor"/> as its child,
/// restarts a run that failed (with a backoff), and answers the admin API's commands and queries.
/// <para>
/// Hand-off (a rebalance or a node leaving): the shard sends <see cref="StopEntity"/>; the entity stops its connector
/// cleanly (in-flight writes finish, the checkpoint is persisted, the destination is closed) and only then stops, so the
/// next node opens the destination after this one closed it.
/// </para>
/// </summary>
public sealed class ConnectorEntity : ReceivePersistentActor, IWithTimers
{
    private readonly string _id;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly string _node;
    private readonly JournalHealth? _journal;
    private readonly SecretSet? _secrets;
    private ConnectorEntityState _state = ConnectorEntityState.Empty;
    private IActorRef? _child;
    private ConnectorRuntime? _runtime;
    private volatile ConnectorStatus? _status;
    private string? _lastError;
    private string? _sourceError;
    private bool _probing;
    private DateTimeOffset? _startedAt;
    private int _failures;
    private int _generation;
    private readonly List<Action> _afterChildStopped = [];
    private bool _stoppingSelf;

    /// <summary>The hand-off stop message (local to the node: the shard sends it).</summary>
    public sealed record StopEntity
    {
        public static StopEntity Instance { get; } = new();
    }

    private sealed record RunEnded(int Generation, ConnectorRunResult Result);
    private sealed record ProbeSource;
    private sealed record SourceProbed(string? Error);

    /// <summary>How often a running connector's source is probed (the binlog client reconnects quietly; this makes an outage visible).</summary>
    public static TimeSpan SourceProbeInterval { get; } = TimeSpan.FromSeconds(3);
    private sealed record RestartRun(int Generation);
    private sealed record NamesResolved(int Generation, DiscoveryFilter? Filter, IReadOnlyList<string> Warnings, string? Error, bool Permanent);

    /// <summary>The backoff between restarts of a failed run: 2 s doubling to 60 s, jittered.</summary>
    public static RetryPolicy RestartPolicy { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));

    /// <summary>The listed names that matched the source at an earlier start (one that disappears later only warns).</summary>
    private IReadOnlySet<string>? _matchedNames;

    /// <param name="secrets">Learns the source password of the definition (null: none), so the node's scrubbing logger masks it.</param>
    public static Props Props(string entityId, ILoggerFactory loggerFactory, JournalHealth? journal = null, SecretSet? secrets = null) =>
        Akka.Actor.Props.Create(() => new ConnectorEntity(entityId, loggerFactory, journal, secrets));

    public ConnectorEntity(string entityId, ILoggerFactory loggerFactory, JournalHealth? journal, SecretSet? secrets = null)
    {
        _id = entityId;
        _journal = journal;
        _secrets = secrets;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Sluice.ConnectorEntity");
        _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ConnectorEntityState state) _state = state;
        });
        Recover<IConnectorEntityEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state.Exists && !_state.Paused) StartRun();
            else if (!_state.Exists) Timers.StartSingleTimer("passivate-unknown", new PassivateIfUnknown(), TimeSpan.FromSeconds(5));
        });

        Command<DefineConnector>(OnDefine);
        Command<PauseConnector>(_ => OnPause());
        Command<ResumeConnector>(_ => OnResume());
        Command<ResyncConnector>(OnResync);
        Command<DeleteConnector>(_ => OnDelete());
        Command<GetConnectorInfo>(_ => Sender.Tell(Info()));
        Command<GetConnectorStatus>(_ => Sender.Tell(_status ?? ConnectorStatus.Starting));
        Command<RunEnded>(OnRunEnded);
        Command<RestartRun>(r =>
        {
            if (r.Generation == _generation && _child is null && _state.Exists && !_state.Paused && !_stoppingSelf) StartRun();
        });
        Command<Terminated>(OnTerminated);
        Command<NamesResolved>(OnNamesResolved);
        Command<ProbeSource>(_ => StartProbe());
        Command<SourceProbed>(p =>
        {
            _probing = false;
            if (p.Error != _sourceError)
            {
                if (p.Error is null) _logger.SourceReachable(_id);
                else _logger.SourceUnreachable(_id, p.Error);
            }
            _sourceError = _child is null ? null : p.Error;
        });
        Command<StopEntity>(_ => StopSelf());
        Command<PassivateIfUnknown>(_ =>
        {
            if (!_state.Exists && _child is null) Context.Parent.Tell(new Passivate(StopEntity.Instance));
        });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => _logger.SnapshotSaveFailed(f.Cause, _id));
    }

    private sealed record PassivateIfUnknown;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => "connector-entity-" + _id;

    // ------------------------------------------------------------------ commands

    private void OnDefine(DefineConnector define)
    {
        var sender = Sender;
        var definition = define.Definition with { Id = _id };
        _secrets?.AddConnectionString(definition.SourceConnectionString);
        var errors = definition.Validate();
        if (errors.Count > 0)
        {
            sender.Tell(new ConnectorCommandResult(_id, "invalid", string.Join("; ", errors)));
            return;
        }
        if (define.CreateOnly && _state.Exists)
        {
            sender.Tell(new ConnectorCommandResult(_id, "conflict", $"connector {_id} already exists"));
            return;
        }
        if (!define.CreateOnly && !_state.Exists)
        {
            sender.Tell(new ConnectorCommandResult(_id, "not_found", $"connector {_id} does not exist"));
            return;
        }
        var incarnation = _state.Exists ? _state.Incarnation : _state.Incarnation + 1;
        Persist(new ConnectorDefined(definition, incarnation, DateTimeOffset.UtcNow), e =>
        {
            var created = !_state.Exists;
            _state = _state.Apply(e);
            SaveSnapshot(_state);
            Timers.Cancel("passivate-unknown");
            _logger.Defined(_id, created ? "created" : "updated", System.Text.Json.JsonSerializer.Serialize(definition.Redacted()));
            sender.Tell(new ConnectorCommandResult(_id, created ? "created" : "ok", created ? $"connector {_id} created" : $"connector {_id} updated"));
            if (_state.Paused) return;
            // An update restarts the run with the new configuration (a changed fingerprint re-syncs every table).
            WhenChildStopped(StartRun);
        });
    }

    private void OnPause()
    {
        var sender = Sender;
        if (!RequireExists(sender)) return;
        if (_state.Paused)
        {
            sender.Tell(new ConnectorCommandResult(_id, "ok", $"connector {_id} is already paused"));
            return;
        }
        Persist(new ConnectorPaused(DateTimeOffset.UtcNow), e =>
        {
            _state = _state.Apply(e);
            _logger.Paused(_id);
            WhenChildStopped(() => { });
            sender.Tell(new ConnectorCommandResult(_id, "ok", $"connector {_id} paused"));
        });
    }

    private void OnResume()
    {
        var sender = Sender;
        if (!RequireExists(sender)) return;
        if (!_state.Paused)
        {
            sender.Tell(new ConnectorCommandResult(_id, "ok", $"connector {_id} is not paused"));
            return;
        }
        Persist(new ConnectorResumed(DateTimeOffset.UtcNow), e =>
        {
            _state = _state.Apply(e);
            _logger.Resumed(_id);
            _failures = 0;
            WhenChildStopped(StartRun);
            sender.Tell(new ConnectorCommandResult(_id, "ok", $"connector {_id} resumed"));
        });
    }

    private void OnResync(ResyncConnector resync)
    {
        if (!RequireExists(Sender)) return;
        if (_child is null || _status is not { } status || status.Phase is "starting" or "restarting" or "stopping")
        {
            Sender.Tell(new ConnectorCommandResult(_id, "busy", $"connector {_id} is not running (state {State()}): resume it or retry once it streams"));
            return;
        }
        var tables = status.Tables.Select(t => t.Table).ToList();
        if (resync.Table is { } one)
        {
            if (!tables.Contains(one, StringComparer.Ordinal))
            {
                Sender.Tell(new ConnectorCommandResult(_id, "not_found", $"table {one} is not replicated by connector {_id}"));
                return;
            }
            tables = [one];
        }
        foreach (var table in tables)
        {
            var dot = table.IndexOf('.', StringComparison.Ordinal);
            _child.Tell(new ResyncTable(new TableId(table[..dot], table[(dot + 1)..]), "re-sync requested through the admin API"));
        }
        Sender.Tell(new ConnectorCommandResult(_id, "ok", $"connector {_id}: re-syncing {tables.Count} table(s)"));
    }

    private void OnDelete()
    {
        var sender = Sender;
        if (!RequireExists(sender)) return;
        Persist(new ConnectorDeleted(DateTimeOffset.UtcNow), e =>
        {
            _state = _state.Apply(e);
            SaveSnapshot(_state);
            _logger.Deleted(_id);
            sender.Tell(new ConnectorCommandResult(_id, "ok", $"connector {_id} deleted"));
            // Passivate: the shard stops the entity and forgets it (remember-entities), so it does not come back.
            WhenChildStopped(() => Context.Parent.Tell(new Passivate(StopEntity.Instance)));
        });
    }

    private bool RequireExists(IActorRef sender)
    {
        if (_state.Exists) return true;
        sender.Tell(new ConnectorCommandResult(_id, "not_found", $"connector {_id} does not exist"));
        return false;
    }

    // ------------------------------------------------------------------ the run

    private void StartRun()
    {
        if (_child is not null || _stoppingSelf || !_state.Exists || _state.Paused) return;
        var generation = ++_generation;
        var definition = _state.Definition!;
        _secrets?.AddConnectionString(definition.SourceConnectionString);
        var names = definition.Names();
        if (!ListsNames(names))
        {
            Launch(generation, null);
            return;
        }
        // The listed names are checked against the source (and includeColumns resolved) off the mailbox first.
        _lastError = null;
        var known = _matchedNames;
        ResolveNamesAsync(definition.SourceConnectionString, names, known).PipeTo(Self, success: r => r with { Generation = generation });
    }

    private static bool ListsNames(ConnectorNames n) =>
        new[] { n.IncludeSchemas, n.ExcludeSchemas, n.IncludeTables, n.ExcludeTables, n.IncludeColumns, n.ExcludeColumns, n.HashedColumns }
            .Any(list => list is { Count: > 0 });

    private static async Task<NamesResolved> ResolveNamesAsync(string connectionString, ConnectorNames names, IReadOnlySet<string>? known)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var connection = await SourceConnections.OpenAsync(connectionString, timeout.Token);
            var (filter, warnings) = await names.ResolveAsync(connection, known, timeout.Token);
            return new NamesResolved(0, filter, warnings, null, false);
        }
        catch (ConnectorNameException ex)
        {
            return new NamesResolved(0, null, [], string.Join("; ", ex.Problems), true);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or System.Net.Sockets.SocketException or IOException or InvalidOperationException or ArgumentException)
        {
            return new NamesResolved(0, null, [], "source unreachable: " + Redaction.Scrub(ex.GetBaseException().Message, Redaction.SecretsOf(connectionString)), false);
        }
    }

    private void OnNamesResolved(NamesResolved resolved)
    {
        if (resolved.Generation != _generation || _child is not null || _stoppingSelf || !_state.Exists || _state.Paused) return;
        foreach (var warning in resolved.Warnings) _logger.NameWarning(_id, warning);
        if (resolved.Error is { } error)
        {
            _lastError = error;
            if (resolved.Permanent) _logger.NotStarted(_id, error); // a config mistake: waits for an updated definition
            else ScheduleRestart();
            return;
        }
        var names = _state.Definition!.Names();
        _matchedNames = new[] { names.IncludeSchemas, names.ExcludeSchemas, names.IncludeTables, names.ExcludeTables, names.IncludeColumns, names.ExcludeColumns, names.HashedColumns }
            .SelectMany(list => list ?? []).ToHashSet(StringComparer.Ordinal);
        Launch(resolved.Generation, resolved.Filter);
    }

    private void Launch(int generation, DiscoveryFilter? filter)
    {
        var runtime = new ConnectorRuntime { LoggerFactory = _loggerFactory, OnStatus = s => _status = s };
        var config = _state.Definition!.ToConfig(_state.RunId!, filter);
        _runtime = runtime;
        _status = ConnectorStatus.Starting;
        _lastError = null;
        _startedAt = DateTimeOffset.UtcNow;
        _child = Context.ActorOf(ConnectorActor.Props(config, runtime), $"run-{generation}");
        Context.Watch(_child);
        runtime.Completion.Task.PipeTo(Self, success: r => new RunEnded(generation, r));
        _logger.Running(_id, _node);
        Timers.StartPeriodicTimer("probe-source", new ProbeSource(), SourceProbeInterval);
    }

    private void OnRunEnded(RunEnded ended)
    {
        if (ended.Generation != _generation) return;
        _status = ended.Result.Status;
        if (ended.Result.Outcome == "failed")
        {
            _lastError = ended.Result.Error;
        }
    }

    private void StartProbe()
    {
        if (_probing || _child is null || _state.Definition is null) return;
        _probing = true;
        ProbeAsync(_state.Definition.SourceConnectionString).PipeTo(Self, success: e => new SourceProbed(e));
    }

    private static async Task<string?> ProbeAsync(string connectionString)
    {
        try
        {
            var builder = new MySqlConnector.MySqlConnectionStringBuilder(connectionString) { ConnectionTimeout = 3, Pooling = false };
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var connection = new MySqlConnector.MySqlConnection(builder.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = new MySqlConnector.MySqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return null;
        }
        catch (MySqlConnector.MySqlException ex) when (ex.ErrorCode == MySqlConnector.MySqlErrorCode.AccessDenied)
        {
            return "access denied: " + ex.Message;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
        {
            return ex is OperationCanceledException ? "no answer in 5 s" : ex.GetBaseException().Message;
        }
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!terminated.ActorRef.Equals(_child)) return;
        _child = null;
        _runtime = null;
        _sourceError = null;
        Timers.Cancel("probe-source");
        if (_afterChildStopped.Count > 0)
        {
            var actions = _afterChildStopped.ToList();
            _afterChildStopped.Clear();
            foreach (var action in actions) action();
            return;
        }
        if (_stoppingSelf)
        {
            Context.Stop(Self);
            return;
        }
        if (_state.Exists && !_state.Paused)
        {
            // The run ended by itself (a failed setup check, a refused login, events that could not be persisted...):
            // try again later, with a backoff.
            if (_journal is { Error: { } journalError }) _lastError = "journal store unreachable: " + journalError;
            else _lastError ??= "the connector stopped unexpectedly (see the node's log)";
            ScheduleRestart();
        }
    }

    private void ScheduleRestart()
    {
        if (DateTimeOffset.UtcNow - _startedAt > TimeSpan.FromMinutes(1)) _failures = 0;
        _failures++;
        var delay = RestartPolicy.Delay(_failures);
        _logger.RetryingRun(_id, _lastError ?? "no error", delay);
        Timers.StartSingleTimer("restart", new RestartRun(_generation), delay);
    }

    /// <summary>Stops the running connector cleanly (if any), then runs <paramref name="then"/>.</summary>
    private void WhenChildStopped(Action then)
    {
        Timers.Cancel("restart");
        if (_child is null)
        {
            then();
            return;
        }
        _afterChildStopped.Add(then);
        if (_afterChildStopped.Count == 1) _child.Tell(new StopConnector(_state.RunId ?? _id));
    }

    private void StopSelf()
    {
        if (_stoppingSelf) return;
        _stoppingSelf = true;
        Timers.CancelAll();
        if (_child is null)
        {
            Context.Stop(Self);
            return;
        }
        _afterChildStopped.Clear();
        _afterChildStopped.Add(() => Context.Stop(Self));
        _child.Tell(new StopConnector(_state.RunId ?? _id));
    }

    // ------------------------------------------------------------------ queries

    private string State() =>
        !_state.Exists ? "not_found"
        : _stoppingSelf || _afterChildStopped.Count > 0 ? "stopping"
        : _state.Paused ? "paused"
        : _child is null && _lastError is not null ? "failed"
        : "running";

    private ConnectorInfo Info() => new(
        _id,
        State(),
        _node,
        _state.Definition?.Redacted(),
        _state.Exists ? _status : null,
        _journal is { Error: { } journalError } ? "journal store unreachable: " + journalError
            : _sourceError is not null ? "source unreachable: " + _sourceError
            // A running connector that streams or copies is healthy: its status keeps the last (recovered) error for history.
            : _child is not null ? (_status?.Phase is "streaming" or "snapshotting" ? null : _status?.LastError)
            : _lastError ?? _status?.LastError,
        _state.RunId,
        _startedAt);
}
