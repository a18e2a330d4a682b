using System.Collections.Immutable;
using Sluice.Binlog.Retry;
using Sluice.Replication.Discovery;

namespace Sluice.Actors.Snapshot;

/// <summary>A table waiting to be copied, with the source's size estimates that order the queue.</summary>
public sealed record SnapshotCandidate(TableId Table, long ApproximateBytes, long ApproximateRows);

/// <summary>
/// Which tables are copied, in which order and how many at once: a pure, immutable queue. The smallest tables are
/// copied first (so that most tables stream early); at most <see cref="MaxParallel"/> copies run together; a failed
/// copy waits the shared <see cref="RetryPolicy"/>'s backoff for its table before it is queued again; a table that
/// must be re-synced is queued again at the end.
/// </summary>
public sealed record SnapshotScheduler
{
    public SnapshotScheduler(int maxParallel)
    {
        if (maxParallel < 1) throw new ArgumentOutOfRangeException(nameof(maxParallel), maxParallel, "at least one snapshot must be able to run");
        MaxParallel = maxParallel;
    }

    public int MaxParallel { get; }

    /// <summary>Tables waiting to be copied, next first.</summary>
    public ImmutableList<TableId> Queue { get; init; } = [];

    /// <summary>Tables being copied.</summary>
    public ImmutableHashSet<TableId> Running { get; init; } = [];

    /// <summary>Tables waiting for their backoff to end before they are queued again.</summary>
    public ImmutableHashSet<TableId> BackingOff { get; init; } = [];

    /// <summary>Consecutive failures per table (reset when a chunk or the whole copy succeeds).</summary>
    public ImmutableDictionary<TableId, int> Failures { get; init; } = ImmutableDictionary<TableId, int>.Empty;

    /// <summary>Nothing queued, running or waiting to retry.</summary>
    public bool IsIdle => Queue.IsEmpty && Running.IsEmpty && BackingOff.IsEmpty;

    /// <summary>True when the table is queued, running or backing off.</summary>
    public bool Tracks(TableId table) => Queue.Contains(table) || Running.Contains(table) || BackingOff.Contains(table);

    /// <summary>A fresh queue of <paramref name="tables"/>, smallest first (bytes, then rows, then name for a stable order).</summary>
    public SnapshotScheduler Plan(IEnumerable<SnapshotCandidate> tables) => this with
    {
        Queue = [.. tables.OrderBy(t => t.ApproximateBytes).ThenBy(t => t.ApproximateRows).ThenBy(t => t.Table.ToString(), StringComparer.Ordinal)
            .Select(t => t.Table).Distinct()],
        Running = [],
        BackingOff = [],
        Failures = ImmutableDictionary<TableId, int>.Empty,
    };

    /// <summary>Queues <paramref name="table"/> at the end (a new table, or one to re-sync) unless it is already tracked.</summary>
    public SnapshotScheduler Enqueue(TableId table) => Tracks(table) ? this : this with { Queue = Queue.Add(table) };

    /// <summary>Takes the tables to start now: from the head of the queue while fewer than <see cref="MaxParallel"/> run.</summary>
    public (SnapshotScheduler Next, IReadOnlyList<TableId> Start) TakeStartable()
    {
        var free = MaxParallel - Running.Count;
        if (free <= 0 || Queue.IsEmpty) return (this, []);
        var start = Queue.Take(free).ToList();
        return (this with { Queue = Queue.RemoveRange(0, start.Count), Running = Running.Union(start) }, start);
    }

    /// <summary>A chunk of <paramref name="table"/> was committed: its failure count starts over.</summary>
    public SnapshotScheduler Progressed(TableId table) => this with { Failures = Failures.Remove(table) };

    /// <summary>The copy of <paramref name="table"/> finished: a slot frees up.</summary>
    public SnapshotScheduler Completed(TableId table) => this with { Running = Running.Remove(table), Failures = Failures.Remove(table) };

    /// <summary>
    /// The copy of <paramref name="table"/> failed: it leaves the running set and waits <c>Delay</c> (the policy's backoff
    /// for its consecutive failures, with the given random draw) before <see cref="RetryDue"/> queues it again.
    /// </summary>
    public (SnapshotScheduler Next, int Failures, TimeSpan Delay) Failed(TableId table, RetryPolicy policy, double draw)
    {
        var (next, failures) = Failed(table);
        return (next, failures, policy.Delay(failures, draw));
    }

    /// <summary>As <see cref="Failed(TableId, RetryPolicy, double)"/>, for a caller that computes the delay itself.</summary>
    public (SnapshotScheduler Next, int Failures) Failed(TableId table)
    {
        var failures = Failures.GetValueOrDefault(table) + 1;
        return (this with
        {
            Running = Running.Remove(table),
            Queue = Queue.Remove(table),
            BackingOff = BackingOff.Add(table),
            Failures = Failures.SetItem(table, failures),
        }, failures);
    }

    /// <summary>The backoff of <paramref name="table"/> ended: it is queued again at the end (if it was still waiting).</summary>
    public SnapshotScheduler RetryDue(TableId table) =>
        BackingOff.Contains(table) ? this with { BackingOff = BackingOff.Remove(table), Queue = Queue.Add(table) } : this;

    /// <summary>The table is no longer copied (dropped, deselected, or detached before a re-sync).</summary>
    public SnapshotScheduler Remove(TableId table) => this with
    {
        Queue = Queue.Remove(table),
        Running = Running.Remove(table),
        BackingOff = BackingOff.Remove(table),
        Failures = Failures.Remove(table),
    };
}
