using System.Security.Cryptography;
using Akka.Actor;
using Akka.Persistence;
using Sluice.Binlog.Retry;
using Sluice.Replication.Errors;
using Microsoft.Extensions.Logging;
using Sluice.Actors.Contracts;
using Sluice.Actors.Destinations;
using Sluice.Actors.Merge;
using Sluice.Actors.Reader;
using Sluice.Actors.Snapshot;
using Sluice.Replication.Connectors;
using Sluice.Replication.Destinations;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Positions;
using Sluice.Replication.Setup;
using Sluice.Replication.Values;

namespace Sluice.Actors.Connector;

/// <summary>
/// One connector (persistence id <c>connector-&lt;id&gt;</c>): owns its <see cref="ConnectorState"/> (persisted events,
/// snapshot every <see cref="SnapshotEvery"/> events) and supervises the pipeline: one <see cref="BinlogReaderActor"/>,
/// one <see cref="TableMergeActor"/> per table and at most <see cref="ConnectorConfig.MaxParallelSnapshots"/>
/// <see cref="TableSnapshotActor"/>s, smallest table first.
/// <para>
/// Start: discovery, setup checks (a failure stops the connector with one line per problem), zombie cleanup, the
/// destination tables, the stream start position on a fresh connector (persisted before the first chunk), then the
/// pipeline from the checkpoint. Slow work (I/O) runs in tasks whose results come back as messages; the actor itself
/// only persists, applies, spawns and replies. A stream or merge failure tears the pipeline down and starts it again
/// from the persisted state after a backoff; a snapshot failure retries that table with a backoff; a purged position
/// re-syncs every table from the current position.
/// </para>
/// </summary>
public sealed class ConnectorActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>The state is snapshotted every this many events.</summary>
    public const int SnapshotEvery = 200;

    /// <summary>At most this many source connections prepare tables at start (each TINYINT(1) check scans its table).</summary>
    public const int MaxPrepareConnections = 4;

    private readonly ConnectorConfig _config;
    private readonly ConnectorRuntime _runtime;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly Dictionary<TableId, TableRuntime> _tables = [];
    private SnapshotScheduler _snapshots;
    private readonly HashSet<TableId> _preparing = [];
    private readonly List<string> _transientEvents = [];
    private ConnectorState _state = ConnectorState.Empty;
    private SharedDestination? _destination;
    private IActorRef? _reader;
    private ConnectorPhase _phase = ConnectorPhase.Starting;
    private string? _lastError;
    private string? _stateStoreError;
    private string? _notice;
    private string? _reached;
    private DateTimeOffset _lastCheckpointPersist = DateTimeOffset.MinValue;
    private string? _target;
    private int _eventsSinceSnapshot;
    private int _pipelineFailures;
    private int _pipelineGeneration;
    private bool _stopping;
    private bool _pipelineUp;
    private ReaderStats? _readerStats;
    private RateMeter _rate = RateMeter.Empty;
    private ConnectorRunResult? _result;
    private Task<Discovered>? _discovering;

    private sealed class TableRuntime(SourceTable source)
    {
        public SourceTable Source { get; set; } = source;
        public TableMapping? Mapping { get; set; }
        public int? SourceColumnCount { get; set; }
        public int Generation { get; set; }
        public IActorRef? Merge { get; set; }
        public IActorRef? Snapshot { get; set; }
        public string? LastError { get; set; }
        public long? LiveRowsCopied { get; set; }
    }

    private sealed record Discovered(IReadOnlyList<PreparedTable> Tables, IReadOnlyList<string> Skipped, string? StartPosition, string? Target,
        SetupReport? Setup, SharedDestination Destination, string Salt)
    {
        public string? PositionLost { get; init; }

        /// <summary>The connector has state but its destination file (or its ledger) is gone: every table is copied again.</summary>
        public bool DestinationMissing { get; init; }

        /// <summary>Tables copied before whose destination table is gone (dropped by hand): each is copied again.</summary>
        public IReadOnlyList<TableId> LostTables { get; init; } = [];
    }
    private sealed record DestinationReady(IReadOnlyDictionary<TableId, int> Generations);
    private sealed record TablePrepared(TableId Table, PreparedTable? Prepared, int Generation, bool IsNew)
    {
        public string? Reason { get; init; }
    }
    private sealed record StartFailed(Exception Error);
    private sealed record TablePrepareFailed(TableId Table, Exception Error, bool IsNew);
    private sealed record RestartPipeline(int Generation);
    private sealed record RetrySnapshot(TableId Table);
    private sealed record CurrentPositionRead(string Position, string? Lost, string Reason);
    private sealed record DestinationClosed;
    private sealed record Tick;

    public static Props Props(ConnectorConfig config, ConnectorRuntime runtime) =>
        Akka.Actor.Props.Create(() => new ConnectorActor(config, runtime));

    public ConnectorActor(ConnectorConfig config, ConnectorRuntime runtime)
    {
        _config = config;
        _snapshots = new SnapshotScheduler(Math.Max(1, config.MaxParallelSnapshots));
        _runtime = runtime;
        _logger = runtime.LoggerFactory.CreateLogger("Sluice.Connector");

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ConnectorState state) _state = state;
        });
        Recover<IConnectorEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => Self.Tell(new RestartPipeline(0)));
        Running();
    }

    /// <summary>
    /// The behaviour of the phases before a stop (starting, snapshotting, streaming, restarting: they differ only in
    /// <see cref="ConnectorPhase"/> and the decider's context).
    /// </summary>
    private void Running()
    {
        Command<RestartPipeline>(r => r.Generation == _pipelineGeneration, _ => StartPipeline());
        Command<Discovered>(OnDiscovered);
        Command<DestinationReady>(OnDestinationReady);
        Command<StartFailed>(f => OnStartFailed(f.Error));
        Command<CheckpointReached>(c => Sender.Equals(_reader), c => OnCheckpoint(c.Position));
        Command<ReaderStats>(s => Sender.Equals(_reader), s => _readerStats = s);
        Command<ChunkDone>(OnChunkDone);
        Command<SnapshotProgress>(p =>
        {
            if (_tables.TryGetValue(p.Table, out var t) && Sender.Equals(t.Snapshot)) t.LiveRowsCopied = p.RowsCopied;
        });
        Command<SnapshotFailed>(OnSnapshotFailed);
        Command<RetrySnapshot>(r =>
        {
            if (!_pipelineUp || _preparing.Contains(r.Table)) return;
            _snapshots = _snapshots.RetryDue(r.Table);
            StartSnapshots();
        });
        Command<ResyncTable>(OnResyncTable);
        Command<TableCreated>(OnTableCreated);
        Command<TableDropped>(OnTableDropped);
        Command<TablePrepared>(OnTablePrepared);
        Command<TablePrepareFailed>(OnTablePrepareFailed);
        Command<StreamPositionUnavailable>(u => Sender.Equals(_reader), OnPositionUnavailable);
        Command<CurrentPositionRead>(OnCurrentPositionRead);
        Command<PipelineFailed>(f => OnPipelineFailed(f.Source, f.Error));
        Command<Terminated>(OnTerminated);
        Command<GetConnectorStatus>(_ => Sender.Tell(BuildStatus()));
        Command<StopConnector>(_ => Decide(new ConnectorInput.Stop()));
        Command<DestinationClosed>(_ => Finish());
        Command<Tick>(_ => OnTick());
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => ConnectorLog.SnapshotSaveFailed(_logger, f.Cause, _config.Id));
    }

    /// <summary>
    /// The behaviour once a stop began (asked, completed, failed, or a state store failure): the pipeline is torn down,
    /// the checkpoint persisted and the destination closed; results of the run that is ending are ignored.
    /// </summary>
    private void Stopping()
    {
        Command<DestinationClosed>(_ => Finish());
        Command<GetConnectorStatus>(_ => Sender.Tell(BuildStatus()));
        Command<Tick>(_ => OnTick());
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => ConnectorLog.SnapshotSaveFailed(_logger, f.Cause, _config.Id));
        CommandAny(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => "connector-" + _config.Id;

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer("tick", new Tick(), _runtime.StatusInterval);
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        if (_result is null)
        {
            // Stopped from outside (the actor system is shutting down), or by a state store failure: close the
            // destination, then complete (failed when the state store failed, else stopped).
            var destination = _destination;
            var outcome = _stateStoreError is null ? "stopped" : "failed";
            var status = BuildStatus() with { Phase = outcome, LastError = _stateStoreError ?? _lastError };
            var result = new ConnectorRunResult(outcome, _stateStoreError, status);
            _ = Task.Run(async () =>
            {
                if (destination is not null) await destination.DisposeAsync();
                _runtime.OnStatus?.Invoke(status);
                _runtime.Completion.TrySetResult(result);
            });
        }
        base.PostStop();
    }

    // A state store (journal) failure ends the run as failed, with one line naming the store: the connector cannot
    // record its progress, so continuing would replicate work it could not resume. Akka stops the actor after a
    // persist or recovery failure; a rejected write is stopped here. PostStop closes the destination and completes.

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        StateStoreFailed($"could not write the connector's state ({@event.GetType().Name}, #{sequenceNr})", cause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        StateStoreFailed($"rejected the connector's state ({@event.GetType().Name}, #{sequenceNr})", cause);
        Context.Stop(Self);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        StateStoreFailed("could not read the connector's saved state", reason);
        base.OnRecoveryFailure(reason, message);
    }

    private void StateStoreFailed(string what, Exception cause)
    {
        if (_result is not null || _stateStoreError is not null) return;
        _stateStoreError = $"state store: {what}: {cause.GetBaseException().Message}; check the state directory or "
            + "database (reachable, writable, not full), then run again";
        _stopping = true;
        Become(Stopping);
        _lastError = _stateStoreError;
        ConnectorLog.StateStoreFailed(_logger, _config.Id, _stateStoreError);
        TearDownPipeline();
    }

    // ------------------------------------------------------------------ start

    private void StartPipeline()
    {
        _phase = ConnectorPhase.Starting;
        var state = _state;
        var config = _config;
        var destination = _destination;
        var firstStart = _target is null && destination is null;
        var once = _runtime.Once;
        var ct = _cts.Token;
        _discovering = DiscoverAsync(state, config, _runtime, destination, firstStart, once, ct);
        _discovering.PipeTo(Self, failure: ex => new StartFailed(ex));
    }

    private static async Task<Discovered> DiscoverAsync(ConnectorState state, ConnectorConfig config, ConnectorRuntime runtime,
        SharedDestination? destination, bool firstStart, bool once, CancellationToken ct)
    {
        await using var source = await runtime.Sources.OpenAsync(config, ct);
        if (firstStart && config.KillZombieConnections) await source.KillZombieConnectionsAsync(ct);
        var discovered = await source.DiscoverAsync(config.Filter, ct);
        SetupReport? setup = null;
        if (firstStart && config.RunSetupChecks)
        {
            setup = await source.CheckSetupAsync(discovered, ct);
            if (!setup.CanReplicate) return new Discovered([], [], null, null, setup, null!, "");
        }

        var configChanged = state.IsInitialized && state.Fingerprint != config.Fingerprint();
        // Preparing a table may scan it (the TINYINT(1) check): tables are prepared by up to MaxPrepareConnections
        // sessions side by side, the results kept in discovery order (smallest first).
        var results = new (PreparedTable? Table, string? Skipped)[discovered.Count];
        // A table's TINYINT(1) columns are observed again unless its earlier observation still holds.
        bool Observes(SourceTable table) => state.Table(table.Id) is not { } known || known.Phase == TablePhase.NeedsResync || configChanged;
        var scans = discovered.Count(t => t.Columns.Any(TypeMapper.IsBooleanCandidate) && Observes(t));
        var next = -1;
        async Task PrepareSomeAsync(ISourceSession on)
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < discovered.Count)
            {
                var table = discovered[i];
                try
                {
                    results[i] = (await on.PrepareAsync(table, Observes(table) ? null : state.Table(table.Id)!.BooleanColumns, ct), null);
                }
                catch (Exception ex) when (ex is UnsupportedCharsetException or NotSupportedException or ArgumentException)
                {
                    results[i] = (null, $"{table.Id}: {ex.Message}");
                }
            }
        }
        async Task PrepareOnOwnSessionAsync()
        {
            await using var own = await runtime.Sources.OpenAsync(config, ct);
            await PrepareSomeAsync(own);
        }
        var extra = Math.Clamp(scans - 1, 0, MaxPrepareConnections - 1);
        await Task.WhenAll(Enumerable.Range(0, extra).Select(_ => PrepareOnOwnSessionAsync()).Prepend(PrepareSomeAsync(source)));
        var prepared = results.Where(r => r.Table is not null).Select(r => r.Table!).ToList();
        var skipped = results.Where(r => r.Skipped is not null).Select(r => r.Skipped!).ToList();

        var salt = state.Salt ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var destinationMissing = false;
        if (destination is null)
        {
            destinationMissing = state.IsInitialized && !await runtime.Destinations.ExistsAsync(config, ct);
            destination = await runtime.Destinations.OpenAsync(config, salt, ct);
        }
        var lostTables = await destination.MissingTablesAsync(prepared.Select(t => t.Source.Id)
            .Where(id => state.Table(id)?.Phase is TablePhase.Snapshotting or TablePhase.Streaming), ct);

        var start = state.Checkpoint is null ? await source.ReadCurrentPositionAsync(ct) : null;
        var lost = state.Checkpoint is null ? null : await source.CheckPositionAvailableAsync(state.Checkpoint, ct);
        var target = once && firstStart ? await source.ReadCurrentPositionAsync(ct) : null;
        return new Discovered(prepared, skipped, start, target, setup, destination, salt) { PositionLost = lost, DestinationMissing = destinationMissing, LostTables = lostTables };
    }

    private void OnDiscovered(Discovered d)
    {
        if (_stopping) return; // BeginStop closes what this start opened
        if (d.Setup is { CanReplicate: false } setup)
        {
            Fail("the source is not ready for replication:\n" + setup.ToText());
            return;
        }
        _destination = d.Destination;
        if (d.Target is not null) _target = d.Target;
        if (d.PositionLost is { } lostReason && _state.IsInitialized)
        {
            OnPositionLost(lostReason);
            return;
        }
        if (d.Setup is { } report)
        {
            foreach (var warning in report.Warnings) AddTransient("setup_warning", null, warning.ToString());
        }
        foreach (var skipped in d.Skipped) AddTransient("table_skipped", null, skipped);

        var now = DateTimeOffset.UtcNow;
        var events = new List<IConnectorEvent>();
        var fingerprint = _config.Fingerprint();
        if (!_state.IsInitialized) events.Add(new ConnectorInitialized(fingerprint, d.Salt));
        else if (_state.Fingerprint != fingerprint || d.DestinationMissing) events.Add(new ConfigurationChanged(fingerprint, now));
        if (d.DestinationMissing) AddTransient("destination_missing", null, $"{_config.DestinationPath} is missing or lost Sluice's ledger: every table is copied again");
        else events.AddRange(d.LostTables.Select(id => new TableResyncRequested(id, $"its destination table is missing from {_config.DestinationPath}", now)));
        if (d.StartPosition is not null) events.Add(new StreamStartRecorded(d.StartPosition));
        var found = d.Tables.Select(t => t.Source.Id).ToHashSet();
        foreach (var gone in _state.Tables.Values.Where(t => !found.Contains(t.Table)).ToList())
        {
            events.Add(new TableRemoved(gone.Table, "no longer found at the source (dropped, or no longer selected)", now));
        }
        foreach (var table in d.Tables)
        {
            if (_state.Table(table.Source.Id) is null)
            {
                events.Add(new TableAdded(table.Source.Id, table.BooleanColumns, table.Source.ApproximateRows));
            }
        }

        _tables.Clear();
        foreach (var table in d.Tables)
        {
            _tables[table.Source.Id] = new TableRuntime(table.Source) { Mapping = table.Mapping, SourceColumnCount = table.SourceColumnCount };
        }
        PersistEvents(events, () =>
        {
            // Tables to copy from scratch: their destination table is dropped first.
            var resync = d.Tables.Where(t => _state.Table(t.Source.Id)?.Phase == TablePhase.NeedsResync).ToList();
            var all = d.Tables.Select(t => t.Mapping.Destination).ToList();
            var destination = _destination!;
            var ct = _cts.Token;
            PrepareDestinationAsync(destination, resync.Select(t => t.Source.Id).ToList(), all, ct)
                .PipeTo(Self, failure: ex => new StartFailed(ex));
        });
    }

    private static async Task<DestinationReady> PrepareDestinationAsync(SharedDestination destination, IReadOnlyList<TableId> drop,
        IReadOnlyList<DestinationTable> ensure, CancellationToken ct)
    {
        foreach (var table in drop) await destination.DropTableAsync(table, ct);
        foreach (var table in ensure) await destination.EnsureTableAsync(table, ct);
        return new DestinationReady(ensure.ToDictionary(t => t.Id, t => destination.Generation(t.Id)));
    }

    private void OnDestinationReady(DestinationReady ready)
    {
        if (_stopping) return;
        var events = new List<IConnectorEvent>();
        foreach (var (id, table) in _tables)
        {
            table.Generation = ready.Generations[id];
            if (_state.Table(id) is { Phase: TablePhase.NeedsResync } progress)
            {
                events.Add(new TableSnapshotStarted(id, BooleanColumnsOf(table), table.Source.ApproximateRows));
                Notable("forced_resync_table", id.ToString(), "copying again: " + progress.ResyncReason);
            }
        }
        PersistEvents(events, SpawnPipeline);
    }

    private static IReadOnlyList<string> BooleanColumnsOf(TableRuntime table) =>
        table.Mapping!.Destination.Columns.Where(c => c.Type.Kind == DestinationTypeKind.Boolean && c.Source is { DataType: "tinyint" })
            .Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();

    private void SpawnPipeline()
    {
        _pipelineUp = true;
        var generation = _pipelineGeneration;
        var routes = new Dictionary<TableId, IActorRef>();
        var index = 0;
        foreach (var (id, table) in _tables.OrderBy(p => p.Value.Source.ApproximateBytes))
        {
            table.Merge = SpawnMerge(table, generation, index++);
            routes[id] = table.Merge;
        }
        _reader = Context.ActorOf(BinlogReaderActor.Props(_config.SourceConnectionString, _config.ServerId, _state.Checkpoint!,
            _config.MaxInFlightBatches, _config.MaxBatchRowChanges, routes, Self, _runtime.LoggerFactory), $"reader-{generation}");
        Context.Watch(_reader);
        _reached = _state.Checkpoint;

        _snapshots = _snapshots.Plan(_tables.Values.Where(t => _state.Table(t.Source.Id) is { Phase: not TablePhase.Streaming })
            .Select(t => new SnapshotCandidate(t.Source.Id, t.Source.ApproximateBytes, t.Source.ApproximateRows)));
        _phase = _snapshots.Queue.Count > 0 ? ConnectorPhase.Snapshotting : ConnectorPhase.Streaming;
        ConnectorLog.Streaming(_logger,
            _config.Id, _state.Checkpoint, _tables.Count, _snapshots.Queue.Count);
        StartSnapshots();
        CheckOnceDone();
    }

    private IActorRef SpawnMerge(TableRuntime table, int generation, int index)
    {
        var merge = Context.ActorOf(TableMergeActor.Props(table.Mapping!, table.SourceColumnCount, _destination!, table.Generation, Self),
            $"merge-{generation}-{index}-{Guid.NewGuid():N}"[..40]);
        Context.Watch(merge);
        return merge;
    }

    private void StartSnapshots()
    {
        if (!_pipelineUp || _stopping) return;
        while (true)
        {
            (_snapshots, var start) = _snapshots.TakeStartable();
            if (start.Count == 0) return;
            foreach (var id in start)
            {
                if (!_tables.TryGetValue(id, out var table) || table.Snapshot is not null) continue;
                if (table.Merge is null || _state.Table(id) is not { Phase: not TablePhase.Streaming } progress)
                {
                    _snapshots = _snapshots.Remove(id);
                    continue;
                }
                table.Snapshot = Context.ActorOf(TableSnapshotActor.Props(table.Mapping!, _config.SourceConnectionString, _config.ChunkSize,
                    progress.LastKey, progress.RowsCopied, table.Merge, Self), $"snapshot-{_pipelineGeneration}-{Guid.NewGuid():N}"[..40]);
                Context.Watch(table.Snapshot);
                table.LiveRowsCopied = null;
            }
        }
    }

    private void OnStartFailed(Exception error)
    {
        Decide(new ConnectorInput.StartFailed(error));
        _pipelineFailures++;
    }

    // ------------------------------------------------------------------ stream

    private void OnCheckpoint(string position)
    {
        var decision = ConnectorDecider.Decide(_state, new ConnectorInput.CheckpointReached(position), DecisionContext());
        if (_reached is not null && BinlogPositionComparer.Instance.Compare(position, _reached) <= 0) return;
        _reached = position;
        _pipelineFailures = 0;
        Run(decision);
    }

    private void PersistCheckpoint(Action? then = null)
    {
        if (_reached is null || _reached == _state.Checkpoint
            || (_state.Checkpoint is not null && BinlogPositionComparer.Instance.Compare(_reached, _state.Checkpoint) <= 0))
        {
            then?.Invoke();
            return;
        }
        _lastCheckpointPersist = DateTimeOffset.UtcNow;
        PersistEvents([new CheckpointAdvanced(_reached)], then);
    }

    private void OnResyncTable(ResyncTable resync)
    {
        if (_preparing.Contains(resync.Table)) return;
        Decide(new ConnectorInput.ResyncRequested(resync.Table, resync.Reason));
    }

    private void OnTableCreated(TableCreated created)
    {
        Decide(new ConnectorInput.TableCreated(created.Table, (_config.Filter ?? DiscoveryFilter.All).IncludesTable(created.Table)));
    }

    private void OnTableDropped(TableDropped dropped)
    {
        Decide(new ConnectorInput.TableDropped(dropped.Table, dropped.Reason));
    }

    /// <summary>Stops the table's merge and snapshot actors and its routing.</summary>
    private void DetachTable(TableId id)
    {
        _snapshots = _snapshots.Remove(id);
        if (!_tables.TryGetValue(id, out var table)) return;
        _reader?.Tell(new RemoveRoute(id));
        if (table.Merge is { } merge)
        {
            Context.Unwatch(merge);
            Context.Stop(merge);
            table.Merge = null;
        }
        if (table.Snapshot is { } snapshot)
        {
            Context.Unwatch(snapshot);
            Context.Stop(snapshot);
            table.Snapshot = null;
            StartSnapshots();
        }
    }

    /// <summary>Re-discovers one table, maps it, drops and re-creates its destination table.</summary>
    private void PrepareTable(TableId id, bool isNew)
    {
        _preparing.Add(id);
        var config = _config;
        var destination = _destination!;
        var ct = _cts.Token;
        PrepareTableAsync(id, config, _runtime.Sources, destination, isNew, ct).PipeTo(Self, failure: ex => new TablePrepareFailed(id, ex, isNew));
    }

    private static async Task<TablePrepared> PrepareTableAsync(TableId id, ConnectorConfig config, ISourceCatalog sources,
        SharedDestination destination, bool isNew, CancellationToken ct)
    {
        await using var source = await sources.OpenAsync(config, ct);
        var filter = (config.Filter ?? DiscoveryFilter.All) with { IncludeTables = new HashSet<TableId> { id } };
        var found = (await source.DiscoverAsync(filter, ct)).FirstOrDefault(t => t.Id == id);
        if (found is null) return new TablePrepared(id, null, 0, isNew) { Reason = "no longer found at the source" };
        PreparedTable prepared;
        try
        {
            prepared = await source.PrepareAsync(found, null, ct);
        }
        catch (Exception ex) when (ex is UnsupportedCharsetException or NotSupportedException or ArgumentException)
        {
            return new TablePrepared(id, null, 0, isNew) { Reason = "cannot be replicated: " + ex.Message };
        }
        var generation = await destination.DropTableAsync(id, ct);
        await destination.EnsureTableAsync(prepared.Mapping.Destination, ct);
        return new TablePrepared(id, prepared, generation, isNew);
    }

    private void OnTablePrepared(TablePrepared prepared)
    {
        if (!_preparing.Remove(prepared.Table)) return;
        var now = DateTimeOffset.UtcNow;
        if (prepared.Prepared is not { } table)
        {
            var reason = prepared.Reason ?? "no longer found at the source";
            if (_state.Table(prepared.Table) is not null)
            {
                PersistEvents([new TableRemoved(prepared.Table, reason, now)], () => _tables.Remove(prepared.Table));
            }
            else
            {
                AddTransient("table_skipped", prepared.Table.ToString(), reason);
            }
            return;
        }
        IConnectorEvent e = prepared.IsNew && _state.Table(prepared.Table) is null
            ? new TableAdded(prepared.Table, table.BooleanColumns, table.Source.ApproximateRows)
            : new TableSnapshotStarted(prepared.Table, table.BooleanColumns, table.Source.ApproximateRows);
        PersistEvents([e], () =>
        {
            var runtime = new TableRuntime(table.Source)
            {
                Mapping = table.Mapping,
                SourceColumnCount = table.SourceColumnCount,
                Generation = prepared.Generation,
            };
            _tables[prepared.Table] = runtime;
            if (!_pipelineUp) return;
            runtime.Merge = SpawnMerge(runtime, _pipelineGeneration, _tables.Count);
            _reader?.Tell(new AddRoute(prepared.Table, runtime.Merge));
            _snapshots = _snapshots.Enqueue(prepared.Table);
            if (_phase == ConnectorPhase.Streaming) _phase = ConnectorPhase.Snapshotting;
            StartSnapshots();
        });
    }

    private void OnTablePrepareFailed(TablePrepareFailed failed)
    {
        if (!_preparing.Remove(failed.Table)) return;
        var error = failed.Error.GetBaseException().Message;
        ConnectorLog.PrepareFailed(_logger, failed.Table.ToString(), error);
        AddTransient("table_error", failed.Table.ToString(), error);
        // The whole pipeline restarts: its start re-discovers and prepares every table that needs it.
        OnPipelineFailed("table " + failed.Table, failed.Error);
    }

    private void OnPositionUnavailable(StreamPositionUnavailable lost) => OnPositionLost(lost.Message);

    private void OnPositionLost(string message)
    {
        var lostAt = _state.Checkpoint;
        ConnectorLog.PositionUnavailable(_logger, _config.Id, lostAt, message);
        TearDownPipeline();
        var config = _config;
        var ct = _cts.Token;
        ReadPositionAsync(config, _runtime.Sources, ct).PipeTo(Self,
            success: p => new CurrentPositionRead(p, lostAt, $"the binlog at {lostAt?.Split(';')[0]} was purged before it was read"),
            failure: ex => new StartFailed(ex));

        static async Task<string> ReadPositionAsync(ConnectorConfig config, ISourceCatalog sources, CancellationToken ct)
        {
            await using var source = await sources.OpenAsync(config, ct);
            return await source.ReadCurrentPositionAsync(ct);
        }
    }

    private void OnCurrentPositionRead(CurrentPositionRead read)
    {
        if (_stopping) return;
        _target = _target is null ? null : read.Position; // a once run now ends at the new start
        _notice = ConnectorDecider.PositionLostMessage(read.Reason);
        Decide(new ConnectorInput.PositionLost(read.Lost, read.Position, read.Reason));
    }

    // ------------------------------------------------------------------ snapshots

    private void OnChunkDone(ChunkDone done)
    {
        if (!_tables.TryGetValue(done.Table, out var table) || !Sender.Equals(table.Snapshot)) return;
        if (done.IsLast)
        {
            Context.Unwatch(Sender);
            Context.Stop(Sender);
            table.Snapshot = null;
            table.LastError = null;
            table.LiveRowsCopied = null;
            _snapshots = _snapshots.Completed(done.Table);
            ConnectorLog.TableCopied(_logger, done.Table.ToString(), done.RowsCopied);
        }
        else
        {
            _snapshots = _snapshots.Progressed(done.Table);
        }
        Decide(new ConnectorInput.ChunkDone(done.Table, done.LastKey, done.RowsCopied, done.IsLast));
    }

    private void OnSnapshotFailed(SnapshotFailed failed)
    {
        if (!_tables.TryGetValue(failed.Table, out var table) || !Sender.Equals(table.Snapshot)) return;
        Context.Unwatch(Sender);
        table.Snapshot = null;
        SnapshotFailedRetry(failed.Table, table, failed.Error);
    }

    private void SnapshotFailedRetry(TableId id, TableRuntime table, string error)
    {
        (_snapshots, var failures) = _snapshots.Failed(id);
        table.LastError = error;
        Decide(new ConnectorInput.SnapshotFailed(id, error, FailureKind.Transient, failures));
    }

    // ------------------------------------------------------------------ failures

    private void OnTerminated(Terminated terminated)
    {
        var actor = terminated.ActorRef;
        if (actor.Equals(_reader))
        {
            _reader = null;
            if (_pipelineUp) OnPipelineFailed("binlog reader", new InvalidOperationException("the binlog reader stopped"));
            return;
        }
        foreach (var (id, table) in _tables)
        {
            if (actor.Equals(table.Merge))
            {
                table.Merge = null;
                OnPipelineFailed("merge " + id, new InvalidOperationException($"the merge actor of {id} stopped"));
                return;
            }
            if (actor.Equals(table.Snapshot))
            {
                table.Snapshot = null;
                SnapshotFailedRetry(id, table, "the snapshot actor stopped unexpectedly");
                return;
            }
        }
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex =>
        {
            Self.Tell(new PipelineFailed("child", ex));
            return Directive.Stop;
        });

    private void OnPipelineFailed(string source, Exception error)
    {
        if (_stopping || !_pipelineUp) return;
        ConnectorLog.PipelineFailed(_logger, error, _config.Id, source);
        Decide(new ConnectorInput.PipelineFailed(source, error));
        _pipelineFailures++;
    }

    private void TearDownPipeline()
    {
        _pipelineUp = false;
        _pipelineGeneration++;
        if (_reader is { } reader)
        {
            Context.Unwatch(reader);
            Context.Stop(reader);
            _reader = null;
        }
        foreach (var table in _tables.Values)
        {
            foreach (var child in new[] { table.Merge, table.Snapshot })
            {
                if (child is null) continue;
                Context.Unwatch(child);
                Context.Stop(child);
            }
            table.Merge = null;
            table.Snapshot = null;
        }
        _snapshots = new SnapshotScheduler(_snapshots.MaxParallel);
        _preparing.Clear();
    }

    // ------------------------------------------------------------------ stop

    private void CheckOnceDone()
    {
        if (ConnectorDecider.IsOnceDone(_state, DecisionContext())) BeginStop(ConnectorOutcome.Completed, null);
    }

    private void Fail(string error)
    {
        _lastError = error;
        ConnectorLog.Failed(_logger, _config.Id, error);
        BeginStop(ConnectorOutcome.Failed, error);
    }

    private void BeginStop(ConnectorOutcome outcome, string? error)
    {
        if (_stopping) return;
        _stopping = true;
        Become(Stopping);
        _phase = ConnectorPhase.Stopping;
        var wasUp = _pipelineUp;
        TearDownPipeline();
        void Close()
        {
            _phase = outcome.Phase();
            _result = new ConnectorRunResult(outcome.Render(), error, BuildStatus()) { Notice = _notice };
            var destination = _destination;
            _destination = null;
            var discovering = _discovering;
            _cts.Cancel();
            CloseAsync(destination, discovering).PipeTo(Self);
        }
        static async Task<DestinationClosed> CloseAsync(SharedDestination? destination, Task<Discovered>? discovering)
        {
            // A start still in progress may open the destination: wait for it, and close whatever it opened.
            if (discovering is not null)
            {
                try
                {
                    var late = await discovering;
                    if (late.Destination is not null && !ReferenceEquals(late.Destination, destination)) await late.Destination.DisposeAsync();
                }
                catch (Exception)
                {
                    // A start that failed opened nothing to close (or was cancelled).
                }
            }
            if (destination is not null) await destination.DisposeAsync();
            return new DestinationClosed();
        }
        if (wasUp || _reached is not null) PersistCheckpoint(Close);
        else Close();
    }

    private void Finish()
    {
        var result = _result!;
        _runtime.OnStatus?.Invoke(result.Status);
        _runtime.Completion.TrySetResult(result);
        Context.Stop(Self);
    }

    // ------------------------------------------------------------------ decisions

    private ConnectorContext DecisionContext() => new(
        _runtime.Once, DateTimeOffset.UtcNow, new RetryPolicy(_config.MinRestartDelay, _config.MaxRestartDelay), Random.Shared.NextDouble(),
        _pipelineFailures, _stopping, _pipelineUp, [.. _tables.Keys, .. _preparing],
        _preparing.Count > 0 || _snapshots.Queue.Count > 0 || _tables.Values.Any(t => t.Snapshot is not null),
        _reached, _target, _lastCheckpointPersist, _config.CheckpointInterval);

    private void Decide(ConnectorInput input) => Run(ConnectorDecider.Decide(_state, input, DecisionContext()));

    private void Run(ConnectorDecision decision) => PersistEvents(decision.Events, () =>
    {
        foreach (var effect in decision.Effects) RunEffect(effect);
    });

    private void RunEffect(ConnectorEffect effect)
    {
        switch (effect)
        {
            case ConnectorEffect.TearDown:
                TearDownPipeline();
                break;
            case ConnectorEffect.ScheduleRestart restart:
                _pipelineGeneration++;
                Timers.StartSingleTimer("restart", new RestartPipeline(_pipelineGeneration), restart.Delay);
                break;
            case ConnectorEffect.ScheduleSnapshotRetry retry:
                ConnectorLog.SnapshotFailed(_logger, retry.Table.ToString(), _snapshots.Failures.GetValueOrDefault(retry.Table), retry.Delay,
                    _tables.GetValueOrDefault(retry.Table)?.LastError ?? "");
                Timers.StartSingleTimer("retry-" + retry.Table, new RetrySnapshot(retry.Table), retry.Delay);
                break;
            case ConnectorEffect.StartSnapshots:
                StartSnapshots();
                break;
            case ConnectorEffect.DetachTable detach:
                DetachTable(detach.Table);
                if (_state.Table(detach.Table) is null) _tables.Remove(detach.Table);
                break;
            case ConnectorEffect.PrepareTable prepare:
                PrepareTable(prepare.Table, prepare.IsNew);
                break;
            case ConnectorEffect.PersistCheckpoint:
                PersistCheckpoint();
                break;
            case ConnectorEffect.Complete { Outcome: ConnectorOutcome.Failed } failed:
                Fail(failed.Error ?? "failed");
                break;
            case ConnectorEffect.Complete complete:
                BeginStop(complete.Outcome, complete.Error);
                break;
            case ConnectorEffect.Notable { InStatus: true } notable:
                AddTransient(notable.Kind, notable.Table, notable.Detail);
                break;
            case ConnectorEffect.Notable notable:
                Notable(notable.Kind, notable.Table, notable.Detail);
                break;
            case ConnectorEffect.SetLastError error:
                _lastError = error.Error;
                break;
            case ConnectorEffect.EnterPhase phase:
                _phase = phase.Phase;
                break;
            default:
                throw new ArgumentException($"unknown connector effect {effect.GetType().Name}", nameof(effect));
        }
    }

    // ------------------------------------------------------------------ persistence and status

    private void PersistEvents(IReadOnlyList<IConnectorEvent> events, Action? then)
    {
        if (events.Count == 0)
        {
            then?.Invoke();
            return;
        }
        var remaining = events.Count;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (++_eventsSinceSnapshot >= SnapshotEvery)
            {
                _eventsSinceSnapshot = 0;
                SaveSnapshot(_state);
            }
            if (--remaining == 0) then?.Invoke();
        });
    }

    private void Notable(string kind, string? table, string detail)
    {
        ConnectorLog.Notable(_logger, kind, table, detail);
    }

    private void AddTransient(string kind, string? table, string detail)
    {
        _transientEvents.Add(new NotableEvent(kind, table, detail, DateTimeOffset.UtcNow).ToString());
        if (_transientEvents.Count > ConnectorState.MaxEvents) _transientEvents.RemoveAt(0);
        Notable(kind, table, detail);
    }

    private void OnTick()
    {
        if (_reached is not null && _reached != _state.Checkpoint && !_stopping
            && DateTimeOffset.UtcNow - _lastCheckpointPersist >= _config.CheckpointInterval)
        {
            PersistCheckpoint();
        }
        if (_readerStats is { } stats) _rate = _rate.Observe(DateTimeOffset.UtcNow, stats.RowChangesApplied);
        _runtime.OnStatus?.Invoke(BuildStatus());
    }

    private ConnectorStatus BuildStatus() => ConnectorStatusBuilder.Build(new StatusInputs(
        _phase,
        _state,
        [.. _tables.OrderBy(p => p.Value.Source.ApproximateBytes).Select(p => p.Key)],
        _tables.ToDictionary(p => p.Key, p => new TableLiveProgress(p.Value.LiveRowsCopied, p.Value.LastError)),
        _readerStats,
        _pipelineUp,
        _rate.PerSecond,
        _lastError,
        _transientEvents), DateTimeOffset.UtcNow);
}
