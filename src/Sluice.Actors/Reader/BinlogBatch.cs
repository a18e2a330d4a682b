using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Replication.Positions;

namespace Sluice.Actors.Reader;

/// <summary>
/// A slice of the binlog handed from the reading task to the reader actor: the row and query events (in order) and
/// the position after its last event. It ends at a transaction boundary, unless a transaction larger than the batch
/// limit spilled over several batches (<see cref="AtBoundary"/> false: no checkpoint may be taken there).
/// </summary>
public sealed record BinlogBatch(IReadOnlyList<BinlogEvent> Events, int RowChanges, string Position, bool AtBoundary, DateTimeOffset? LastEventTime);

/// <summary>
/// Cuts a binlog stream into <see cref="BinlogBatch"/>es: a batch ends at a transaction boundary once it holds
/// <c>maxRowChanges</c> row changes or when the next event is not yet available (the stream caught up), and in the
/// middle of a transaction once it holds <c>maxRowChanges</c> (a single rows event may exceed it by its own size).
/// Written to a bounded channel: when the actor falls behind, reading the binlog waits.
/// </summary>
public static class BinlogBatcher
{
    public static async Task RunAsync(IAsyncEnumerable<BinlogStreamItem> stream, ChannelWriter<BinlogBatch> output, int maxRowChanges,
        CancellationToken ct)
    {
        Exception? failure = null;
        try
        {
            await foreach (var batch in BatchAsync(stream, maxRowChanges, ct)) await output.WriteAsync(batch, ct);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        output.TryComplete(failure);
    }

    public static async IAsyncEnumerable<BinlogBatch> BatchAsync(IAsyncEnumerable<BinlogStreamItem> stream, int maxRowChanges,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var events = new List<BinlogEvent>();
        var rows = 0;
        BinlogStreamItem? last = null;
        await using var items = stream.GetAsyncEnumerator(ct);
        while (true)
        {
            var next = items.MoveNextAsync();
            if (!next.IsCompleted && last is { IsTransactionBoundary: true })
            {
                yield return Cut(last);
            }
            if (!await next) break;
            var item = items.Current;
            last = item;
            Add(item.Event);
            if (rows >= maxRowChanges) yield return Cut(item);
        }
        if (last is not null && (events.Count > 0 || rows > 0)) yield return Cut(last);

        void Add(BinlogEvent e)
        {
            switch (e)
            {
                case RowsEvent r:
                    events.Add(r);
                    rows += RowCount(r);
                    break;
                case QueryEvent q:
                    events.Add(q);
                    break;
                case TransactionPayloadEvent payload:
                    foreach (var inner in payload.Events) Add(inner);
                    break;
            }
        }

        BinlogBatch Cut(BinlogStreamItem at)
        {
            var batch = new BinlogBatch(events, rows, BinlogPositionText.Format(at.Position), at.IsTransactionBoundary,
                at.Event.Header.Timestamp == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(at.Event.Header.Timestamp));
            events = [];
            rows = 0;
            last = null;
            return batch;
        }
    }

    public static int RowCount(RowsEvent rows) => rows switch
    {
        WriteRowsEvent w => w.Rows.Count,
        UpdateRowsEvent u => u.Rows.Count,
        DeleteRowsEvent d => d.Rows.Count,
        _ => 0,
    };
}
