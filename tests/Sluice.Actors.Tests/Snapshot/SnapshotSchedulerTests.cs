using Sluice.Actors.Snapshot;
using Sluice.Binlog.Retry;
using Sluice.Replication.Discovery;

namespace Sluice.Actors.Tests.Snapshot;

/// <summary>The snapshot queue: order, parallelism, backoff and requeue, without an actor system.</summary>
public sealed class SnapshotSchedulerTests
{
    private static readonly TableId A = new("s", "a");
    private static readonly TableId B = new("s", "b");
    private static readonly TableId C = new("s", "c");
    private static readonly TableId D = new("s", "d");
    private static readonly RetryPolicy Policy = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), Jitter: 0);

    [Fact]
    public void The_smallest_tables_are_copied_first_by_bytes_then_rows_then_name()
    {
        var scheduler = new SnapshotScheduler(1).Plan([
            new SnapshotCandidate(C, 300, 1), new SnapshotCandidate(B, 100, 9), new SnapshotCandidate(D, 100, 9), new SnapshotCandidate(A, 100, 5)]);
        Assert.Equal([A, B, D, C], scheduler.Queue);
    }

    [Fact]
    public void At_most_the_parallelism_runs_and_a_completion_frees_a_slot()
    {
        var scheduler = new SnapshotScheduler(2).Plan([new(A, 1, 1), new(B, 2, 2), new(C, 3, 3)]);
        (scheduler, var start) = scheduler.TakeStartable();
        Assert.Equal([A, B], start);
        (scheduler, start) = scheduler.TakeStartable();
        Assert.Empty(start);
        scheduler = scheduler.Completed(B);
        (scheduler, start) = scheduler.TakeStartable();
        Assert.Equal([C], start);
        Assert.Equal([A, C], scheduler.Running.OrderBy(t => t.Name));
        Assert.True(scheduler.Completed(A).Completed(C).IsIdle);
    }

    [Fact]
    public void A_failure_backs_off_with_the_shared_policy_and_requeues_at_the_end_when_due()
    {
        var scheduler = new SnapshotScheduler(1).Plan([new(A, 1, 1), new(B, 2, 2)]);
        (scheduler, _) = scheduler.TakeStartable();
        (scheduler, var failures, var delay) = scheduler.Failed(A, Policy, 0.5);
        Assert.Equal((1, TimeSpan.FromSeconds(1)), (failures, delay));
        Assert.Contains(A, scheduler.BackingOff);
        Assert.Equal([B], scheduler.Queue);
        (scheduler, var start) = scheduler.TakeStartable();
        Assert.Equal([B], start);
        scheduler = scheduler.RetryDue(A);
        Assert.Equal([A], scheduler.Queue);
        Assert.Empty(scheduler.BackingOff);
        // A second, third and fifth failure in a row double the wait up to the policy's maximum.
        scheduler = scheduler.Completed(B);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            (scheduler, _) = scheduler.TakeStartable();
            (scheduler, failures, delay) = scheduler.Failed(A, Policy, 0.5);
            delays.Add(delay);
            scheduler = scheduler.RetryDue(A);
        }
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)], delays);
        Assert.Equal(5, failures);
    }

    [Fact]
    public void Progress_resets_the_failure_count()
    {
        var scheduler = new SnapshotScheduler(1).Plan([new(A, 1, 1)]);
        (scheduler, _) = scheduler.TakeStartable();
        (scheduler, _, _) = scheduler.Failed(A, Policy, 0.5);
        (scheduler, _) = scheduler.RetryDue(A).TakeStartable();
        scheduler = scheduler.Progressed(A);
        (_, var failures, var delay) = scheduler.Failed(A, Policy, 0.5);
        Assert.Equal((1, TimeSpan.FromSeconds(1)), (failures, delay));
    }

    [Fact]
    public void A_resync_requeues_at_the_end_once_and_a_removed_table_is_forgotten()
    {
        var scheduler = new SnapshotScheduler(1).Plan([new(A, 1, 1), new(B, 2, 2)]);
        (scheduler, _) = scheduler.TakeStartable();
        Assert.Same(scheduler, scheduler.Enqueue(A)); // running: not queued twice
        Assert.Same(scheduler, scheduler.Enqueue(B)); // queued already
        scheduler = scheduler.Remove(A).Enqueue(A); // detached for a re-sync, then queued again
        Assert.Equal([B, A], scheduler.Queue);
        Assert.Empty(scheduler.Running);
        (scheduler, _, _) = scheduler.TakeStartable().Next.Failed(B, Policy, 0);
        scheduler = scheduler.Remove(B);
        Assert.Same(scheduler, scheduler.RetryDue(B)); // dropped while backing off: its timer does nothing
        Assert.Equal([A], scheduler.Queue);
        Assert.False(scheduler.Failures.ContainsKey(B));
    }

    [Fact]
    public void A_parallelism_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnapshotScheduler(0));

    /// <summary>
    /// Random sequences of starts, chunk progress, completions, failures, due retries, re-syncs and removals: no table is
    /// ever in two places, the running set never exceeds the parallelism, and draining everything copies every table.
    /// </summary>
    [Fact]
    public void Random_operations_keep_every_table_in_one_place_and_within_the_parallelism()
    {
        TableId[] tables = [.. Enumerable.Range(0, 8).Select(i => new TableId("s", "t" + i))];
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var parallel = random.Next(1, 4);
            var scheduler = new SnapshotScheduler(parallel).Plan(tables.Select(t => new SnapshotCandidate(t, random.Next(100), random.Next(100))));
            var removed = new HashSet<TableId>();
            var copied = new HashSet<TableId>();
            for (var step = 0; step < 60; step++)
            {
                var table = tables[random.Next(tables.Length)];
                scheduler = random.Next(7) switch
                {
                    0 => scheduler.TakeStartable().Next,
                    1 when scheduler.Running.Contains(table) => scheduler.Progressed(table),
                    2 when scheduler.Running.Contains(table) => Copy(scheduler, table, copied),
                    3 when scheduler.Running.Contains(table) => scheduler.Failed(table, Policy, random.NextDouble()).Next,
                    4 => scheduler.RetryDue(table),
                    5 when !removed.Contains(table) => Resync(scheduler, table, copied),
                    6 when random.Next(4) == 0 => Removed(scheduler, table, removed),
                    _ => scheduler,
                };
                Check(scheduler, parallel);
            }
            // Drain: every backoff ends, every started copy completes.
            foreach (var t in scheduler.BackingOff) scheduler = scheduler.RetryDue(t);
            foreach (var t in scheduler.Running) scheduler = Copy(scheduler, t, copied);
            for (var guard = 0; !scheduler.IsIdle && guard < 100; guard++)
            {
                (scheduler, var start) = scheduler.TakeStartable();
                Check(scheduler, parallel);
                foreach (var t in start) scheduler = Copy(scheduler, t, copied);
            }
            Assert.True(scheduler.IsIdle, $"seed {seed}: not drained");
            foreach (var t in tables.Where(t => !removed.Contains(t))) Assert.True(copied.Contains(t), $"seed {seed}: {t} never copied");
        }

        static SnapshotScheduler Copy(SnapshotScheduler s, TableId t, HashSet<TableId> copied)
        {
            copied.Add(t);
            return s.Completed(t);
        }

        static SnapshotScheduler Resync(SnapshotScheduler s, TableId t, HashSet<TableId> copied)
        {
            copied.Remove(t);
            return s.Remove(t).Enqueue(t);
        }

        static SnapshotScheduler Removed(SnapshotScheduler s, TableId t, HashSet<TableId> removed)
        {
            removed.Add(t);
            return s.Remove(t);
        }

        static void Check(SnapshotScheduler s, int parallel)
        {
            Assert.True(s.Running.Count <= parallel);
            var places = s.Queue.Concat(s.Running).Concat(s.BackingOff).ToList();
            Assert.Equal(places.Count, places.Distinct().Count());
            Assert.All(s.Failures.Keys, t => Assert.True(s.Tracks(t)));
        }
    }
}
