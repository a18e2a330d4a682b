using System.Collections.Immutable;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Binlog.Protocol;
using Sluice.Replication.Discovery;
using Sluice.Replication.Positions;
using Sluice.Replication.Schema;

namespace Sluice.Actors.Reader;

/// <summary>
/// Streams the source's binlog from the connector's checkpoint and fans row changes out to the tables' merge actors.
/// <para>
/// The binlog is read by a background task (<see cref="BinlogBatcher"/>) into a bounded channel; the actor takes one
/// batch at a time while fewer than <c>maxInFlight</c> batches await acknowledgements, sends each table its events
/// (<see cref="ApplyChanges"/>) and, after a batch that ends at a transaction boundary, tells every merge actor the
/// stream passed that position (<see cref="StreamProgress"/>). Once every table acknowledged every batch up to a
/// boundary, the connector hears <see cref="CheckpointReached"/>: the checkpoint only moves to a position every table
/// has committed. Memory is bounded by the channel and the in-flight batches, not by the source.
/// </para>
/// DDL on a replicated table stops its routing and asks the connector to re-sync it; CREATE TABLE tells the connector
/// to pick the table up; a purged position, or any other stream failure, is reported to the connector, which restarts
/// the stream (this actor stops).
/// </summary>
public sealed class BinlogReaderActor : ReceiveActor, IWithTimers
{
    private readonly string _sourceConnectionString;
    private readonly uint? _serverId;
    private readonly string _start;
    private readonly int _maxInFlight;
    private readonly int _maxBatchRowChanges;
    private readonly IActorRef _connector;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _cts = new();
    private readonly Channel<BinlogBatch> _channel;
    private readonly LinkedList<InFlight> _inFlight = new();
    private ImmutableDictionary<TableId, IActorRef> _routes;
    private bool _pulling;
    private long _seq;
    private string _dispatched;
    private string _checkpoint;
    private DateTimeOffset? _lastEventTime;
    private long _rowChangesApplied;
    private int _maxInFlightSeen;
    private int _maxBatchSeen;
    private bool _idle = true;

    private sealed class InFlight(long seq, BinlogBatch batch, int rowChanges, HashSet<IActorRef> waiting)
    {
        public long Seq { get; } = seq;
        public BinlogBatch Batch { get; } = batch;
        public int RowChanges { get; } = rowChanges;
        public HashSet<IActorRef> Waiting { get; } = waiting;
    }

    private sealed record BatchArrived(BinlogBatch Batch);
    private sealed record StreamEnded(Exception? Error);
    private sealed record PublishStats;

    public static Props Props(string sourceConnectionString, uint? serverId, string start, int maxInFlight, int maxBatchRowChanges,
        IReadOnlyDictionary<TableId, IActorRef> routes, IActorRef connector, ILoggerFactory loggerFactory) =>
        Akka.Actor.Props.Create(() => new BinlogReaderActor(sourceConnectionString, serverId, start, maxInFlight, maxBatchRowChanges,
            routes, connector, loggerFactory));

    public BinlogReaderActor(string sourceConnectionString, uint? serverId, string start, int maxInFlight, int maxBatchRowChanges,
        IReadOnlyDictionary<TableId, IActorRef> routes, IActorRef connector, ILoggerFactory loggerFactory)
    {
        _sourceConnectionString = sourceConnectionString;
        _serverId = serverId;
        _start = start;
        _dispatched = start;
        _checkpoint = start;
        _maxInFlight = Math.Max(1, maxInFlight);
        _maxBatchRowChanges = Math.Max(1, maxBatchRowChanges);
        _routes = routes.ToImmutableDictionary();
        _connector = connector;
        _loggerFactory = loggerFactory;
        // One batch waits in the channel while the actor works on the others: at most maxInFlight + 2 batches exist.
        _channel = Channel.CreateBounded<BinlogBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });

        Receive<BatchArrived>(b => OnBatch(b.Batch));
        Receive<StreamEnded>(OnStreamEnded);
        Receive<ChangesApplied>(a => OnApplied(a.Seq, Sender));
        Receive<AddRoute>(r =>
        {
            if (_routes.TryGetValue(r.Table, out var old) && !old.Equals(r.MergeActor)) Forget(old);
            _routes = _routes.SetItem(r.Table, r.MergeActor);
            Context.Watch(r.MergeActor);
            r.MergeActor.Tell(new Routed(_dispatched));
        });
        Receive<RemoveRoute>(r =>
        {
            if (_routes.TryGetValue(r.Table, out var old))
            {
                _routes = _routes.Remove(r.Table);
                Forget(old);
            }
        });
        Receive<PublishStats>(_ => PublishStatistics());
        // A merge actor that stops (re-sync, failure) acknowledges nothing more: its batches count as done for it.
        Receive<Terminated>(t =>
        {
            foreach (var (table, merge) in _routes)
            {
                if (merge.Equals(t.ActorRef)) _routes = _routes.Remove(table);
            }
            Forget(t.ActorRef);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        foreach (var merge in _routes.Values)
        {
            Context.Watch(merge);
            merge.Tell(new Routed(_dispatched));
        }
        var options = BinlogClientOptions.FromConnectionString(_sourceConnectionString) with { ServerId = _serverId };
        var client = new BinlogClient(options, _loggerFactory.CreateLogger<BinlogClient>());
        var start = BinlogStartPosition.ResumeFrom(BinlogPositionText.Parse(_start));
        var ct = _cts.Token;
        var writer = _channel.Writer;
        var max = _maxBatchRowChanges;
        Task.Run(() => BinlogBatcher.RunAsync(client.StreamAsync(start, ct), writer, max, ct), ct);
        Timers.StartPeriodicTimer("stats", new PublishStats(), TimeSpan.FromMilliseconds(250));
        Pull();
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    private void Pull()
    {
        if (_pulling || _inFlight.Count >= _maxInFlight) return;
        _pulling = true;
        _channel.Reader.ReadAsync(_cts.Token).AsTask().PipeTo(Self,
            success: b => new BatchArrived(b),
            failure: ex => new StreamEnded(ex is ChannelClosedException closed ? closed.InnerException : ex));
    }

    private void OnBatch(BinlogBatch batch)
    {
        _pulling = false;
        _idle = false;
        _seq++;
        var perTable = new Dictionary<IActorRef, (TableId Table, List<RowsEvent> Events, int Rows)>();
        foreach (var e in batch.Events)
        {
            switch (e)
            {
                case RowsEvent { Table: { } map } rows:
                {
                    var table = new TableId(map.Schema, map.Table);
                    if (!_routes.TryGetValue(table, out var merge)) break;
                    if (!perTable.TryGetValue(merge, out var entry)) entry = (table, [], 0);
                    entry.Events.Add(rows);
                    perTable[merge] = (table, entry.Events, entry.Rows + BinlogBatcher.RowCount(rows));
                    break;
                }
                case QueryEvent query:
                    OnQuery(query, batch.Position, perTable);
                    break;
            }
        }

        var rowChanges = perTable.Values.Sum(v => v.Rows);
        _maxBatchSeen = Math.Max(_maxBatchSeen, batch.RowChanges);
        var waiting = new HashSet<IActorRef>();
        foreach (var (merge, entry) in perTable)
        {
            merge.Tell(new ApplyChanges(_seq, entry.Events, entry.Rows, batch.Position, batch.AtBoundary));
            waiting.Add(merge);
        }
        _inFlight.AddLast(new InFlight(_seq, batch, rowChanges, waiting));
        _maxInFlightSeen = Math.Max(_maxInFlightSeen, _inFlight.Count);
        // After a GTID start the stream reports the file's start until its first real event: positions only move forward.
        if (batch.AtBoundary && After(batch.Position, _dispatched))
        {
            _dispatched = batch.Position;
            var progress = new StreamProgress(batch.Position);
            foreach (var merge in _routes.Values) merge.Tell(progress);
        }
        Complete();
        Pull();
    }

    /// <summary>DDL: re-sync or drop the tables it touches (their later rows in this batch are not routed), pick up created ones.</summary>
    private void OnQuery(QueryEvent query, string position, Dictionary<IActorRef, (TableId Table, List<RowsEvent> Events, int Rows)> perTable)
    {
        DdlClassification ddl;
        try
        {
            ddl = DdlClassifier.Classify(query);
        }
        catch (Exception ex)
        {
            _log.Warning("could not classify a statement at {0}: {1}", position, ex.Message);
            return;
        }
        if (ddl.Kind == DdlKind.Ignore) return;
        var sql = query.Sql.Length > 200 ? query.Sql[..200] + "…" : query.Sql;
        switch (ddl.Kind)
        {
            case DdlKind.CreateTable:
                foreach (var table in ddl.Tables) _connector.Tell(new TableCreated(table));
                break;
            case DdlKind.DropTable:
                foreach (var table in ddl.Tables) Unroute(table, t => new TableDropped(t, $"dropped at the source ({sql})"));
                break;
            case DdlKind.RenameTable:
                foreach (var rename in ddl.Renames)
                {
                    Unroute(rename.From, t => new TableDropped(t, $"renamed to {rename.To} ({sql})"));
                    _connector.Tell(new TableCreated(rename.To));
                }
                break;
            case DdlKind.DropDatabase:
                foreach (var table in _routes.Keys.Where(t => string.Equals(t.Schema, ddl.Schema, StringComparison.Ordinal)).ToList())
                {
                    Unroute(table, t => new TableDropped(t, $"its database was dropped ({sql})"));
                }
                break;
            case DdlKind.AlterTable when (ddl.Hints & AlterHints.RenameTable) != 0 && ddl.Renames.Count > 0:
                foreach (var rename in ddl.Renames)
                {
                    Unroute(rename.From, t => new TableDropped(t, $"renamed to {rename.To} ({sql})"));
                    _connector.Tell(new TableCreated(rename.To));
                }
                break;
            case DdlKind.AlterTable or DdlKind.TruncateTable or DdlKind.Unknown:
                foreach (var table in ddl.Tables) Unroute(table, t => new ResyncTable(t, $"{Describe(ddl.Kind)} at {Short(position)}: {sql}"));
                break;
        }

        void Unroute(TableId table, Func<TableId, object> message)
        {
            if (!_routes.TryGetValue(table, out var merge)) return;
            _routes = _routes.Remove(table);
            // The table is copied again or left: its rows in this batch and its unacknowledged batches no longer matter
            // (its merge actor is about to be stopped), and nothing more is routed to it.
            perTable.Remove(merge);
            foreach (var entry in _inFlight) entry.Waiting.Remove(merge);
            _connector.Tell(message(table));
        }
    }

    private static string Describe(DdlKind kind) => kind switch
    {
        DdlKind.AlterTable => "ALTER TABLE",
        DdlKind.TruncateTable => "TRUNCATE TABLE",
        _ => "a statement the replicator cannot follow",
    };

    private static string Short(string position) => position.Split(';')[0];

    private void OnApplied(long seq, IActorRef from)
    {
        foreach (var entry in _inFlight)
        {
            if (entry.Seq != seq) continue;
            entry.Waiting.Remove(from);
            break;
        }
        Complete();
        Pull();
    }

    /// <summary>A merge actor leaves: its unacknowledged batches count as done for it.</summary>
    private void Forget(IActorRef merge)
    {
        foreach (var entry in _inFlight) entry.Waiting.Remove(merge);
        Complete();
        Pull();
    }

    private void Complete()
    {
        string? reached = null;
        while (_inFlight.First is { Value.Waiting.Count: 0 } first)
        {
            _inFlight.RemoveFirst();
            _rowChangesApplied += first.Value.RowChanges;
            if (first.Value.Batch.LastEventTime is { } time) _lastEventTime = time;
            if (first.Value.Batch.AtBoundary) reached = first.Value.Batch.Position;
        }
        if (reached is not null && After(reached, _checkpoint))
        {
            _checkpoint = reached;
            if (_inFlight.Count == 0 && _channel.Reader.Count == 0) _idle = true;
            PublishStatistics();
            _connector.Tell(new CheckpointReached(reached));
        }
        if (_inFlight.Count == 0 && _channel.Reader.Count == 0) _idle = true;
    }

    private static bool After(string position, string than) => BinlogPositionComparer.Instance.Compare(position, than) > 0;

    private void PublishStatistics() =>
        _connector.Tell(new ReaderStats(_checkpoint, _lastEventTime, _idle && _inFlight.Count == 0 && _channel.Reader.Count == 0,
            _rowChangesApplied, _inFlight.Count, _maxInFlightSeen, _maxBatchSeen, _maxInFlight, _maxBatchRowChanges));

    private void OnStreamEnded(StreamEnded ended)
    {
        _pulling = false;
        switch (ended.Error)
        {
            case null:
                _log.Info("the binlog stream ended");
                return;
            case OperationCanceledException when _cts.IsCancellationRequested:
                return;
            case BinlogPositionUnavailableException lost:
                _connector.Tell(new StreamPositionUnavailable(lost.Message));
                break;
            default:
                _connector.Tell(new PipelineFailed("binlog reader", ended.Error));
                break;
        }
        Context.Stop(Self);
    }
}
