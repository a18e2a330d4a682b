using Akka.Actor;
using Akka.Event;
using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;

namespace Sluice.Actors.Snapshot;

/// <summary>
/// Copies one table. Tables with a primary key: for each chunk, open a window at the merge actor,
/// SELECT the next keyset chunk after the last committed key (<see cref="TextChunkReader"/> when it supports the table,
/// else <see cref="ChunkReader"/>), read the high watermark,
/// hand both to the merge actor, wait until it wrote the reconciled chunk, tell the connector to persist the chunk's
/// last key. The next chunk is read while the previous one waits for its watermark or is written (at most
/// <see cref="MaxChunksInFlight"/> chunks in memory); progress persisted late only means re-reading chunks after a crash. Tables without one: the window is opened before one consistent pass
/// (<see cref="ChunkReader.ReadWholeTableAsync"/>) and stays open for all of it; each batch is written as it comes; an
/// interrupted pass starts over. Any failure closes the window and is reported to the connector (which retries later).
/// </summary>
public sealed class TableSnapshotActor : ReceiveActor
{
    private readonly TableMapping _mapping;
    private readonly string _sourceConnectionString;
    private readonly int _chunkSize;
    private readonly IActorRef _merge;
    private readonly IActorRef _connector;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _cts = new();
    private MySqlConnection? _connection;
    private TextChunkReader? _text;
    private IAsyncEnumerator<IReadOnlyList<object?[]>>? _pass;
    private object?[]? _nextKey;
    private long _rowsCopied;
    private long _chunkId;
    private bool _reading;
    private bool _readLast;
    private readonly Queue<(long Id, SnapshotChunk Chunk)> _inMerge = new();

    /// <summary>
    /// Chunks read and not yet written (being read, waiting for their watermark, or being written: chunks waiting
    /// together are written in one transaction).
    /// </summary>
    public const int MaxChunksInFlight = 8;

    private sealed record Connected(MySqlConnection Connection, TextChunkReader? Text);
    private sealed record ChunkFetched(long ChunkId, SnapshotChunk Chunk, string HighWatermark, string? TextReaderFailure = null);
    private sealed record PassStep(IReadOnlyList<object?[]>? Batch);
    private sealed record Failed(Exception Error);

    public static Props Props(TableMapping mapping, string sourceConnectionString, int chunkSize, string? lastKey, long rowsCopied,
        IActorRef merge, IActorRef connector) =>
        Akka.Actor.Props.Create(() => new TableSnapshotActor(mapping, sourceConnectionString, chunkSize, lastKey, rowsCopied, merge, connector));

    public TableSnapshotActor(TableMapping mapping, string sourceConnectionString, int chunkSize, string? lastKey, long rowsCopied,
        IActorRef merge, IActorRef connector)
    {
        _mapping = mapping;
        _sourceConnectionString = sourceConnectionString;
        _chunkSize = chunkSize;
        _merge = merge;
        _connector = connector;
        if (mapping.Source.HasPrimaryKey)
        {
            _nextKey = lastKey is null ? null : ChunkKeyCodec.Decode(lastKey);
            _rowsCopied = rowsCopied;
        }

        Receive<Connected>(c =>
        {
            _connection = c.Connection;
            _text = c.Text;
            NextWindow();
        });
        Receive<WindowOpened>(w => w.ChunkId == _chunkId, _ => OnWindowOpened());
        Receive<ChunkFetched>(OnChunkFetched);
        Receive<PassStep>(OnPassStep);
        Receive<ChunkWritten>(OnChunkWritten);
        Receive<Failed>(f => Fail(f.Error));
        Receive<Status.Failure>(f => Fail(f.Cause));
    }

    private TableId Table => _mapping.Source.Id;

    protected override void PreStart()
    {
        var log = _log;
        var table = Table;
        OpenAsync(_sourceConnectionString, _mapping, _cts.Token).PipeTo(Self, failure: ex => new Failed(ex));

        // Chunks of tables the text reader supports are read through it; the MySqlConnector connection reads the high
        // watermarks (after each chunk, so on another connection it still bounds what the chunk saw) and everything else.
        // A text reader that cannot connect (a connection option only MySqlConnector knows) leaves the table to it.
        async Task<Connected> OpenAsync(string source, TableMapping mapping, CancellationToken ct)
        {
            var connection = await SourceConnections.OpenAsync(source, ct);
            if (!mapping.Source.HasPrimaryKey || !TextChunkReader.Supports(mapping)) return new Connected(connection, null);
            try
            {
                return new Connected(connection, await TextChunkReader.OpenAsync(source, ct));
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                log.Warning("table {0}: the fast snapshot reader could not connect ({1}); reading with MySqlConnector", table, ex.Message);
                return new Connected(connection, null);
            }
        }
    }

    protected override void PostStop()
    {
        _cts.Cancel();
        var pass = _pass;
        var connection = _connection;
        var text = _text;
        // Dispose in the background: the enumerator rolls back its transaction, the connection closes.
        _ = Task.Run(async () =>
        {
            try
            {
                if (pass is not null) await pass.DisposeAsync();
            }
            catch (Exception)
            {
                // The connection may be broken already.
            }
            if (connection is not null) await connection.DisposeAsync();
            if (text is not null) await text.DisposeAsync();
        });
        _cts.Dispose();
    }

    private void NextWindow()
    {
        _chunkId++;
        _reading = true;
        _merge.Tell(new OpenWindow(_chunkId));
    }

    private void OnWindowOpened()
    {
        var connection = _connection!;
        var ct = _cts.Token;
        if (_mapping.Source.HasPrimaryKey)
        {
            FetchChunkAsync(_chunkId, connection, _nextKey, ct).PipeTo(Self, failure: ex => new Failed(ex));
            return;
        }
        _pass ??= ChunkReader.ReadWholeTableAsync(connection, _mapping, _chunkSize, ct).GetAsyncEnumerator(ct);
        StepPass();
    }

    private async Task<ChunkFetched> FetchChunkAsync(long id, MySqlConnection connection, object?[]? lastKey, CancellationToken ct)
    {
        SnapshotChunk? chunk = null;
        string? textFailure = null;
        if (_text is { } text)
        {
            try
            {
                chunk = await text.ReadChunkAsync(_mapping, lastKey, _chunkSize, ct);
            }
            catch (FormatException ex)
            {
                // A value the text reader does not decode: this chunk and the rest of the table go through MySqlConnector,
                // whose reader converts or names what it cannot.
                textFailure = ex.Message;
            }
        }
        chunk ??= await ChunkReader.ReadChunkAsync(connection, _mapping, lastKey, _chunkSize, ct);
        var highWatermark = await SourcePositions.ReadCurrentAsync(connection, ct);
        return new ChunkFetched(id, chunk, highWatermark, textFailure);
    }

    private void OnChunkFetched(ChunkFetched fetched)
    {
        _reading = false;
        if (fetched.TextReaderFailure is { } failure && _text is { } text)
        {
            _log.Warning("table {0}: the fast snapshot reader failed ({1}); reading the rest with MySqlConnector", Table, failure);
            _text = null;
            _ = text.DisposeAsync().AsTask();
        }
        _merge.Tell(new ChunkRead(fetched.ChunkId, fetched.Chunk.Rows, fetched.HighWatermark));
        _inMerge.Enqueue((fetched.ChunkId, fetched.Chunk));
        _nextKey = fetched.Chunk.LastKey;
        _readLast = fetched.Chunk.IsLast;
        // Read the next chunk while this one waits for its watermark and is written.
        if (!_readLast && _inMerge.Count < MaxChunksInFlight) NextWindow();
    }

    private void StepPass()
    {
        var pass = _pass!;
        StepAsync(pass).PipeTo(Self, failure: ex => new Failed(ex));

        static async Task<PassStep> StepAsync(IAsyncEnumerator<IReadOnlyList<object?[]>> pass) =>
            new(await pass.MoveNextAsync() ? pass.Current : null);
    }

    private void OnPassStep(PassStep step)
    {
        if (step.Batch is null)
        {
            _merge.Tell(new CloseWindow(_chunkId));
            _connector.Tell(new ChunkDone(Table, null, _rowsCopied, IsLast: true));
            return;
        }
        _merge.Tell(new PassBatchRead(_chunkId, step.Batch));
    }

    private void OnChunkWritten(ChunkWritten written)
    {
        if (!_mapping.Source.HasPrimaryKey)
        {
            _rowsCopied += written.Written + written.Dropped;
            _connector.Tell(new SnapshotProgress(Table, _rowsCopied));
            StepPass();
            return;
        }
        if (_inMerge.Count == 0 || _inMerge.Peek().Id != written.ChunkId) return;
        var (_, chunk) = _inMerge.Dequeue();
        _rowsCopied += chunk.Rows.Count;
        // Progress is persisted in chunk order; the next chunk does not wait for it (a crash only re-reads chunks).
        _connector.Tell(new ChunkDone(Table, chunk.LastKey is null ? null : ChunkKeyCodec.Encode(chunk.LastKey), _rowsCopied, chunk.IsLast));
        if (!_readLast && !_reading) NextWindow();
    }

    private void Fail(Exception error)
    {
        foreach (var (id, _) in _inMerge) _merge.Tell(new CloseWindow(id));
        _merge.Tell(new CloseWindow(_chunkId));
        _log.Warning("table {0}: the snapshot failed: {1}", Table, error.Message);
        _connector.Tell(new SnapshotFailed(Table, error.GetBaseException().Message));
        Context.Stop(Self);
    }
}
