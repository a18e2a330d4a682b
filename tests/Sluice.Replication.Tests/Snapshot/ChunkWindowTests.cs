using Sluice.Replication.Destinations;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Snapshot;
using Sluice.Replication.Values;

namespace Sluice.Replication.Tests.Snapshot;

/// <summary>DBLog reconciliation, deterministically: a modelled source, stream and destination.</summary>
public sealed class ChunkWindowTests
{
    private static readonly DestinationTable Items = new(new TableId("shop", "items"),
    [
        new DestinationColumn("name", DestinationType.String),
        new DestinationColumn("id", DestinationType.Long, PrimaryKeyOrdinal: 1),
    ]);

    private static readonly DestinationTable Lines = new(new TableId("shop", "lines"),
    [
        new DestinationColumn("order_id", DestinationType.Long, PrimaryKeyOrdinal: 1),
        new DestinationColumn("sku", DestinationType.Binary, PrimaryKeyOrdinal: 2),
        new DestinationColumn("price", DestinationType.BigDecimal(10, 2)),
    ]);

    private static readonly DestinationTable Products = new(new TableId("shop", "products"),
    [
        new DestinationColumn("description", DestinationType.String),
        new DestinationColumn("quantity", DestinationType.Integer),
    ]);

    /// <summary>
    /// A table with key 'id' (long) and value 'name', its change stream, and a destination (key → value, deleted) that the
    /// merge step updates in stream order. Snapshot chunks are read from the source at a chosen moment and written at
    /// their high watermark after reconciliation.
    /// </summary>
    private sealed class Model
    {
        public readonly SortedDictionary<long, string> Source = [];
        public readonly Dictionary<long, (string? Name, bool Deleted)> Destination = [];
        private readonly Queue<object> _stream = new();
        private readonly ChunkWindow _window = new(Items);
        private readonly Queue<(long After, long Until, List<object?[]> Rows)> _chunks = new();

        private sealed record Watermark(bool Low, int Chunk);

        public void Insert(long id, string name)
        {
            Source.Add(id, name);
            _stream.Enqueue(RowChange.Upsert([name, id]));
        }

        public void Update(long id, string name)
        {
            var old = Source[id];
            Source[id] = name;
            _stream.Enqueue(RowChange.Update([old, id], [name, id]));
        }

        public void ChangeKey(long id, long newId)
        {
            var name = Source[id];
            Source.Remove(id);
            Source.Add(newId, name);
            _stream.Enqueue(RowChange.Update([name, id], [name, newId]));
        }

        public void Delete(long id)
        {
            var old = Source[id];
            Source.Remove(id);
            _stream.Enqueue(RowChange.Delete([old, id]));
        }

        public void LowWatermark() => _stream.Enqueue(new Watermark(true, 0));

        /// <summary>Selects rows with after &lt; id ≤ until (at most 'limit') from the source now, then queues the high watermark.</summary>
        public List<object?[]> SelectAndHighWatermark(long after, int limit)
        {
            var rows = Source.Where(p => p.Key > after).Take(limit).Select(p => new object?[] { p.Value, p.Key }).ToList();
            _chunks.Enqueue((after, rows.Count == 0 ? after : (long)rows[^1][1]!, rows));
            _stream.Enqueue(new Watermark(false, 0));
            return rows;
        }

        public int DroppedTotal { get; private set; }

        /// <summary>The merge step: consumes up to 'count' stream items in order.</summary>
        public void Merge(int count = int.MaxValue)
        {
            while (count-- > 0 && _stream.TryDequeue(out var item))
            {
                switch (item)
                {
                    case Watermark { Low: true }:
                        _window.Open();
                        break;
                    case Watermark:
                        var chunk = _chunks.Dequeue();
                        var result = _window.Reconcile(chunk.Rows);
                        DroppedTotal += result.Dropped;
                        foreach (var row in result.Rows) Destination[(long)row[1]!] = ((string)row[0]!, false);
                        break;
                    case RowChange change:
                        _window.Record(change);
                        Apply(change);
                        break;
                }
            }
        }

        private void Apply(RowChange change)
        {
            switch (change.Kind)
            {
                case RowChangeKind.Upsert:
                    Destination[(long)change.Row[1]!] = ((string)change.Row[0]!, false);
                    break;
                case RowChangeKind.Delete:
                    var id = (long)change.Row[1]!;
                    Destination[id] = Destination.TryGetValue(id, out var existing) ? (existing.Name, true) : ((string?)change.Row[0], true);
                    break;
                case RowChangeKind.Update:
                    var before = (long)change.Before![1]!;
                    var after = (long)change.Row[1]!;
                    if (before != after) Destination[before] = (Destination.GetValueOrDefault(before).Name ?? (string?)change.Before[0], true);
                    Destination[after] = ((string)change.Row[0]!, false);
                    break;
            }
        }

        public Dictionary<long, string> Live() =>
            Destination.Where(p => !p.Value.Deleted).ToDictionary(p => p.Key, p => p.Value.Name!);
    }

    [Fact]
    public void An_update_during_the_window_wins_over_the_older_chunk_value()
    {
        var m = new Model();
        m.Insert(1, "a");
        m.Insert(2, "b");
        m.Merge();
        m.LowWatermark();
        var rows = m.SelectAndHighWatermark(0, 10); // reads b
        m.Update(2, "b2");                           // after the high watermark: applied after the chunk is written
        m.Merge();
        Assert.Equal([["a", 1L], ["b", 2L]], rows);
        Assert.Equal(new Dictionary<long, string> { [1] = "a", [2] = "b2" }, m.Live());

        // The race: the select reads the old value, the update lands in the window, the chunk is written after it.
        var r = new Model();
        r.Insert(1, "a");
        r.Merge();
        r.LowWatermark();
        r.Update(1, "a2");                         // between LW and the select: the select sees it ...
        var seen = r.SelectAndHighWatermark(0, 10);
        Assert.Equal([["a2", 1L]], seen);
        r.Merge();
        Assert.Equal(new Dictionary<long, string> { [1] = "a2" }, r.Live());
        Assert.Equal(1, r.DroppedTotal);            // ... and is still dropped: the stream wrote it.
    }

    [Fact]
    public void A_stale_chunk_row_never_overwrites_a_newer_stream_value()
    {
        var window = new ChunkWindow(Items);
        window.Open();
        // The chunk read 'old' for key 7; the stream then updated key 7 to 'new' (and applied it).
        Assert.True(window.Record(RowChange.Update(["old", 7L], ["new", 7L])));
        var result = window.Reconcile([["x", 6L], ["old", 7L], ["y", 8L]]);
        Assert.Equal([["x", 6L], ["y", 8L]], result.Rows);
        Assert.Equal(1, result.Dropped);
        Assert.Equal(1, result.Touched);
        Assert.False(window.IsOpen);
    }

    [Fact]
    public void A_row_deleted_during_the_window_does_not_come_back()
    {
        var m = new Model();
        m.Insert(1, "a");
        m.Insert(2, "b");
        m.Insert(3, "c");
        m.LowWatermark();
        m.Delete(2);                                 // inside the window, before the select
        var rows = m.SelectAndHighWatermark(0, 10);
        Assert.Equal(2, rows.Count);
        m.Merge();
        Assert.False(m.Live().ContainsKey(2));
        Assert.True(m.Destination[2].Deleted);

        // The race: the select read row 2, then the delete landed inside the window.
        var window = new ChunkWindow(Items);
        window.Open();
        window.Record(RowChange.Delete(["b", 2L]));
        var kept = window.Reconcile([["a", 1L], ["b", 2L], ["c", 3L]]);
        Assert.DoesNotContain(kept.Rows, r => (long)r[1]! == 2);
        Assert.Equal(2, kept.Rows.Count);
    }

    [Fact]
    public void Inserts_within_the_chunk_range_are_written_by_the_stream_only_and_beyond_it_by_a_later_chunk()
    {
        var window = new ChunkWindow(Items);
        window.Open();
        window.Record(RowChange.Upsert(["new", 5L]));   // within the chunk's range: the select saw it
        window.Record(RowChange.Upsert(["far", 500L])); // beyond the chunk's range
        var result = window.Reconcile([["d", 4L], ["new", 5L], ["f", 6L]]);
        Assert.Equal([["d", 4L], ["f", 6L]], result.Rows);
        Assert.Equal(2, result.Touched);

        // The next chunk's window starts empty: key 500 is written again by it (the same values the stream wrote).
        window.Open();
        Assert.Equal(0, window.TouchedCount);
        Assert.Equal([["far", 500L]], window.Reconcile([["far", 500L]]).Rows);
    }

    [Fact]
    public void Key_changes_touch_both_keys_and_delete_by_key_touches_its_key()
    {
        var window = new ChunkWindow(Items);
        window.Open();
        window.Record(RowChange.Update(["a", 1L], ["a", 10L]));
        window.Record(RowChange.DeleteByKey([null, 3L]));
        var result = window.Reconcile([["a", 1L], ["b", 2L], ["c", 3L], ["a", 10L]]);
        Assert.Equal([["b", 2L]], result.Rows);
        Assert.Equal(3, result.Touched);
    }

    [Fact]
    public void Composite_keys_compare_canonically()
    {
        var window = new ChunkWindow(Lines);
        window.Open();
        window.Record(RowChange.Upsert([1L, new byte[] { 0xab }, 1.50m]));
        window.Record(RowChange.Upsert([2L, new byte[] { 0xcd }, "12345678901234567890.50"]));
        var result = window.Reconcile(
        [
            [1L, new byte[] { 0xab }, 9m],   // same key (bytes compare by content), other price: dropped
            [1L, new byte[] { 0xac }, 9m],   // other key: kept
            [2L, new byte[] { 0xcd }, 1m],   // dropped
        ]);
        Assert.Equal([[1L, new byte[] { 0xac }, 9m]], result.Rows);

        Assert.Equal(new RowKey(1, (decimal)1.5), new RowKey(1L, 1.5m));
        Assert.Equal(new RowKey(1L, 1.5m).GetHashCode(), new RowKey(1, "1.5").GetHashCode());
        Assert.Equal(new RowKey(1L, 1.5m), new RowKey(1, "1.5"));
        Assert.NotEqual(new RowKey(1.50m), new RowKey(1.5m)); // BIGDECIMAL keys carry the column scale
        Assert.NotEqual(new RowKey(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)), new RowKey(new DateTime(2020, 1, 1)));
        Assert.Equal("(1, 0xAB, 'it''s', NULL)", new RowKey(1L, new byte[] { 0xab }, "it's", null).ToString());
    }

    [Fact]
    public void Tables_without_primary_key_use_the_row_identity()
    {
        var window = new ChunkWindow(Products);
        window.Open();
        // UPDATE products SET quantity = 4 WHERE description = 'Cookie robot' during the window.
        window.Record(RowChange.Update(["Cookie robot", 2L], ["Cookie robot", 4L]));
        var result = window.Reconcile(
        [
            ["Shrink-ray gun", 1L], ["Cookie robot", 2L], ["Boogie robot", 3L], ["Cookie robot", 4L],
            ["Shrink-ray gun", 1L],
        ]);
        Assert.Equal([["Shrink-ray gun", 1L], ["Boogie robot", 3L], ["Shrink-ray gun", 1L]], result.Rows);
        Assert.Equal(
            new RowKey(CanonicalValues.Hash(["Cookie robot", 2L], [DestinationTypeKind.String, DestinationTypeKind.Integer])),
            window.KeyOf(["Cookie robot", 2L]));

        window.Open();
        Assert.Throws<ArgumentException>(() => window.Record(RowChange.DeleteByKey(["x", 1L])));
    }

    [Fact]
    public void Events_outside_an_open_window_are_not_recorded_and_misuse_throws()
    {
        var window = new ChunkWindow(Items);
        Assert.False(window.Record(RowChange.Upsert(["a", 1L])));
        Assert.Throws<InvalidOperationException>(() => window.Reconcile([]));
        window.Open();
        Assert.Throws<InvalidOperationException>(window.Open);
        Assert.Throws<ArgumentException>(() => window.Record(RowChange.Upsert(["a"])));
        window.Record(RowChange.Upsert(["a", 1L]));
        window.Abandon();
        Assert.False(window.IsOpen);
        window.Open();
        Assert.Equal([["a", 1L]], window.Reconcile([["a", 1L]]).Rows);
    }

    /// <summary>
    /// Random interleavings of source writes, stream progress and chunk steps (low watermark, select, high watermark),
    /// each seed replayed exactly: at the end the destination's live rows equal the source, every deleted key is marked
    /// deleted, and without reconciliation some seeds would go wrong (checked by counting dropped rows).
    /// </summary>
    [Fact]
    public void Random_interleavings_converge_to_the_source()
    {
        var droppedAnywhere = 0;
        for (var seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            var m = new Model();
            long nextId = 1;
            for (var i = 0; i < 20; i++) m.Insert(nextId++ * 2, "v0");

            long after = 0;
            var chunkSize = random.Next(1, 6);
            var stage = 0; // 0: before LW, 1: LW queued, 2: selected (HW queued)
            var done = false;
            var version = 0;
            for (var step = 0; step < 400 && !(done && stage == 0); step++)
            {
                switch (random.Next(6))
                {
                    case 0:
                        // Insert anywhere, also inside the current chunk's range or before it (between existing keys).
                        var id = random.Next(1, (int)nextId * 2 + 4);
                        if (!m.Source.ContainsKey(id)) m.Insert(id, "i" + version++);
                        break;
                    case 1 when m.Source.Count > 0:
                        m.Update(m.Source.Keys.ElementAt(random.Next(m.Source.Count)), "u" + version++);
                        break;
                    case 2 when m.Source.Count > 0:
                        m.Delete(m.Source.Keys.ElementAt(random.Next(m.Source.Count)));
                        break;
                    case 3 when m.Source.Count > 0:
                        var from = m.Source.Keys.ElementAt(random.Next(m.Source.Count));
                        var to = random.Next(1, (int)nextId * 2 + 4);
                        if (!m.Source.ContainsKey(to)) m.ChangeKey(from, to);
                        break;
                    case 4:
                        m.Merge(random.Next(1, 4));
                        break;
                    default:
                        if (done) break;
                        if (stage == 0) { m.LowWatermark(); stage = 1; }
                        else if (stage == 1)
                        {
                            var rows = m.SelectAndHighWatermark(after, chunkSize);
                            if (rows.Count < chunkSize) done = true;
                            else after = (long)rows[^1][1]!;
                            stage = 2;
                        }
                        else { m.Merge(); stage = 0; }
                        break;
                }
            }
            // Finish the snapshot with the stream quiet, then drain.
            if (stage == 2) { m.Merge(); stage = 0; }
            while (!done)
            {
                if (stage == 0) { m.LowWatermark(); stage = 1; }
                var rows = m.SelectAndHighWatermark(after, chunkSize);
                if (rows.Count < chunkSize) done = true;
                else after = (long)rows[^1][1]!;
                m.Merge();
                stage = 0;
            }
            m.Merge();

            Assert.True(m.Source.Count == m.Live().Count && m.Source.All(p => m.Live().GetValueOrDefault(p.Key) == p.Value),
                $"seed {seed}: source [{string.Join(", ", m.Source)}] but destination [{string.Join(", ", m.Live())}]");
            Assert.All(m.Destination.Where(p => !m.Source.ContainsKey(p.Key)), p => Assert.True(p.Value.Deleted, $"seed {seed}: key {p.Key} came back"));
            droppedAnywhere += m.DroppedTotal;
        }
        Assert.True(droppedAnywhere > 0, "no interleaving exercised a race");
    }
}
