using DuckDB.NET.Data;
using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;

namespace Sluice.Replication.Tests.Destinations.DuckDb;

/// <summary>Merge semantics on real DuckDB files.</summary>
public sealed class DuckDbDestinationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDuckDbFile _file = new();
    private readonly ManualClock _clock = new(T0);
    private DuckDbDestination _destination = null!;

    private static readonly DestinationTable Products = new(new TableId("shop", "products"),
    [
        new DestinationColumn("description", DestinationType.String),
        new DestinationColumn("quantity", DestinationType.Integer),
    ]);

    private static readonly DestinationTable Items = new(new TableId("shop", "items"),
    [
        new DestinationColumn("id", DestinationType.Long, PrimaryKeyOrdinal: 1),
        new DestinationColumn("name", DestinationType.String),
        new DestinationColumn("price", DestinationType.BigDecimal(10, 2)),
    ]);

    public async Task InitializeAsync() =>
        _destination = await DuckDbDestination.OpenAsync(_file.Path, new DestinationOptions { Clock = _clock });

    public async Task DisposeAsync()
    {
        await _destination.DisposeAsync();
        _file.Dispose();
    }

    private List<object?[]> Query(string sql) => TempDuckDbFile.Query(_destination.Connection, sql);

    private static DateTime At(int seconds) => T0.UtcDateTime.AddSeconds(seconds);

    private List<object?[]> ProductRows() => Query(
        "SELECT description, quantity, _fivetran_synced, _fivetran_index, _fivetran_deleted, _fivetran_id " +
        "FROM shop.products ORDER BY _fivetran_index");

    private static string ProductId(string description, long quantity) =>
        CanonicalValues.Hash([description, quantity], [DestinationTypeKind.String, DestinationTypeKind.Integer]);

    private List<object?[]> ItemRows() => Query(
        "SELECT id, name, CAST(price AS VARCHAR), _fivetran_deleted FROM shop.items ORDER BY id");

    [Fact]
    public async Task Spec_example_table_without_primary_key()
    {
        // Initial sync: the destination table of the documented example (docs/spec-coverage.md).
        await _destination.WriteSnapshotChunkAsync(Products,
            [["Shrink-ray gun", 1L], ["Cookie robot", 2L], ["Boogie robot", 3L]], "snapshot:1");
        Assert.Equal(
            [
                ["Shrink-ray gun", 1, At(0), 0L, false, ProductId("Shrink-ray gun", 1)],
                ["Cookie robot", 2, At(0), 1L, false, ProductId("Cookie robot", 2)],
                ["Boogie robot", 3, At(0), 2L, false, ProductId("Boogie robot", 3)],
            ],
            ProductRows());

        // UPDATE products SET quantity = 4 WHERE description = 'Cookie robot';
        _clock.Now = T0.AddSeconds(1);
        await _destination.ApplyAsync(Products, [RowChange.Update(["Cookie robot", 2L], ["Cookie robot", 4L])], "binlog:1");
        Assert.Equal(
            [
                ["Shrink-ray gun", 1, At(0), 0L, false, ProductId("Shrink-ray gun", 1)],
                ["Boogie robot", 3, At(0), 2L, false, ProductId("Boogie robot", 3)],
                ["Cookie robot", 2, At(1), 3L, true, ProductId("Cookie robot", 2)],
                ["Cookie robot", 4, At(1), 4L, false, ProductId("Cookie robot", 4)],
            ],
            ProductRows());

        // DELETE FROM products WHERE description = 'Boogie robot';
        _clock.Now = T0.AddSeconds(2);
        await _destination.ApplyAsync(Products, [RowChange.Delete(["Boogie robot", 3L])], "binlog:2");
        Assert.Equal(
            [
                ["Shrink-ray gun", 1, At(0), 0L, false, ProductId("Shrink-ray gun", 1)],
                ["Cookie robot", 2, At(1), 3L, true, ProductId("Cookie robot", 2)],
                ["Cookie robot", 4, At(1), 4L, false, ProductId("Cookie robot", 4)],
                ["Boogie robot", 3, At(2), 5L, true, ProductId("Boogie robot", 3)],
            ],
            ProductRows());
        Assert.Equal("binlog:2", await _destination.ReadPositionAsync(Products.Id));
    }

    [Fact]
    public async Task Identical_rows_collapse_to_one()
    {
        await _destination.WriteSnapshotChunkAsync(Products,
            [["Shrink-ray gun", 1L], ["Shrink-ray gun", 1L], ["Shrink-ray gun", 1L]], "snapshot:1");
        Assert.Equal([["Shrink-ray gun", 1, At(0), 0L, false, ProductId("Shrink-ray gun", 1)]], ProductRows());

        // Inserting it again (a second identical source row) changes nothing but the index and sync time.
        _clock.Now = T0.AddSeconds(1);
        await _destination.ApplyAsync(Products, [RowChange.Upsert(["Shrink-ray gun", 1L])], "binlog:1");
        Assert.Equal([["Shrink-ray gun", 1, At(1), 1L, false, ProductId("Shrink-ray gun", 1)]], ProductRows());
    }

    [Fact]
    public async Task Delete_of_an_absent_row_without_primary_key_adds_it_marked_deleted()
    {
        await _destination.ApplyAsync(Products, [RowChange.Delete(["Ghost", 9L])], "binlog:1");
        Assert.Equal([["Ghost", 9, At(0), 0L, true, ProductId("Ghost", 9)]], ProductRows());

        // Re-inserting the same values revives the row.
        await _destination.ApplyAsync(Products, [RowChange.Upsert(["Ghost", 9L])], "binlog:2");
        Assert.Equal([["Ghost", 9, At(0), 1L, false, ProductId("Ghost", 9)]], ProductRows());
    }

    [Fact]
    public async Task Primary_key_insert_update_delete()
    {
        await _destination.ApplyAsync(Items, [RowChange.Upsert([1L, "a", 1.50m]), RowChange.Upsert([2L, "b", 2m])], "p1");
        Assert.Equal([[1L, "a", "1.50", false], [2L, "b", "2.00", false]], ItemRows());

        await _destination.ApplyAsync(Items, [RowChange.Update([1L, "a", 1.50m], [1L, "a2", 1.75m])], "p2");
        Assert.Equal([[1L, "a2", "1.75", false], [2L, "b", "2.00", false]], ItemRows());

        await _destination.ApplyAsync(Items, [RowChange.Delete([2L, "b", 2m]), RowChange.Delete([3L, "c", 3m])], "p3");
        Assert.Equal([[1L, "a2", "1.75", false], [2L, "b", "2.00", true], [3L, "c", "3.00", true]], ItemRows());

        // Re-inserting a soft-deleted key revives it with the new values.
        await _destination.ApplyAsync(Items, [RowChange.Upsert([2L, "b2", 2.5m])], "p4");
        Assert.Equal([2L, "b2", "2.50", false], ItemRows()[1]);

        Assert.Equal(3L, Query("SELECT count(*) FROM shop.items")[0][0]);
        Assert.Empty(Query("SELECT * FROM information_schema.columns WHERE table_name = 'items' AND column_name IN ('_fivetran_id', '_fivetran_index')"));
    }

    [Fact]
    public async Task An_update_that_changes_the_primary_key_deletes_the_old_key()
    {
        await _destination.ApplyAsync(Items, [RowChange.Upsert([1L, "a", 1m])], "p1");
        await _destination.ApplyAsync(Items, [RowChange.Update([1L, "a", 1m], [10L, "a", 1m])], "p2");
        Assert.Equal([[1L, "a", "1.00", true], [10L, "a", "1.00", false]], ItemRows());

        // Swap keys back and forth inside one batch: the last change per key wins.
        await _destination.ApplyAsync(Items,
        [
            RowChange.Update([10L, "a", 1m], [1L, "a", 1m]),
            RowChange.Update([1L, "a", 1m], [10L, "z", 9m]),
        ], "p3");
        Assert.Equal([[1L, "a", "1.00", true], [10L, "z", "9.00", false]], ItemRows());
    }

    [Fact]
    public async Task Several_changes_to_one_key_in_a_batch_keep_the_last()
    {
        await _destination.ApplyAsync(Items,
        [
            RowChange.Upsert([5L, "x", 1m]),
            RowChange.Upsert([5L, "y", 2m]),
            RowChange.Delete([5L, "y", 2m]),
            RowChange.Delete([6L, "old", 1m]),
            RowChange.Upsert([6L, "new", 3m]),
        ], "p1");
        Assert.Equal([[5L, "y", "2.00", true], [6L, "new", "3.00", false]], ItemRows());
    }

    [Fact]
    public async Task Delete_by_key_keeps_the_existing_values()
    {
        await _destination.ApplyAsync(Items, [RowChange.Upsert([1L, "a", 1m])], "p1");
        await _destination.ApplyAsync(Items, [RowChange.DeleteByKey([1L, null, null]), RowChange.DeleteByKey([7L, "ignored", 5m])], "p2");
        Assert.Equal([[1L, "a", "1.00", true], [7L, null, null, true]], ItemRows());

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            _destination.ApplyAsync(Products, [RowChange.DeleteByKey(["x", 1L])], "p3"));
        Assert.Contains("no primary key", ex.Message);
    }

    [Fact]
    public async Task Composite_keys_merge_on_all_key_columns()
    {
        var table = new DestinationTable(new TableId("shop", "order_lines"),
        [
            new DestinationColumn("line", DestinationType.Integer, PrimaryKeyOrdinal: 2),
            new DestinationColumn("order_id", DestinationType.Long, PrimaryKeyOrdinal: 1),
            new DestinationColumn("sku", DestinationType.String),
        ]);
        await _destination.ApplyAsync(table, [RowChange.Upsert([1L, 100L, "a"]), RowChange.Upsert([2L, 100L, "b"]), RowChange.Upsert([1L, 101L, "c"])], "p1");
        await _destination.ApplyAsync(table, [RowChange.Upsert([1L, 100L, "a2"])], "p2");
        Assert.Equal(
            [[100L, 1, "a2"], [100L, 2, "b"], [101L, 1, "c"]],
            Query("SELECT order_id, line, sku FROM shop.order_lines ORDER BY order_id, line"));
    }

    [Fact]
    public async Task Replaying_a_recorded_batch_is_skipped()
    {
        IReadOnlyList<RowChange> batch = [RowChange.Upsert([1L, "a", 1m]), RowChange.Delete([2L, "b", 2m])];
        Assert.Equal(ApplyOutcome.Applied, await _destination.ApplyAsync(Items, batch, "binlog.000001:500"));
        var before = Query("SELECT *, _fivetran_synced FROM shop.items ORDER BY id");

        _clock.Now = T0.AddSeconds(30);
        Assert.Equal(ApplyOutcome.AlreadyApplied, await _destination.ApplyAsync(Items, batch, "binlog.000001:500"));
        Assert.Equal(before, Query("SELECT *, _fivetran_synced FROM shop.items ORDER BY id"));

        var noPk = await _destination.WriteSnapshotChunkAsync(Products, [["a", 1L]], "s1");
        Assert.Equal(ApplyOutcome.Applied, noPk);
        Assert.Equal(ApplyOutcome.AlreadyApplied, await _destination.WriteSnapshotChunkAsync(Products, [["a", 1L]], "s1"));
        Assert.Equal(0L, Assert.Single(ProductRows())[3]);
    }

    [Fact]
    public async Task With_a_position_order_older_batches_are_skipped_too()
    {
        await using var destination = await DuckDbDestination.OpenAsync(_file.Path + ".ordered",
            new DestinationOptions { PositionComparer = StringComparer.Ordinal });
        try
        {
            Assert.Equal(ApplyOutcome.Applied, await destination.ApplyAsync(Items, [RowChange.Upsert([1L, "new", 1m])], "0002"));
            Assert.Equal(ApplyOutcome.AlreadyApplied, await destination.ApplyAsync(Items, [RowChange.Upsert([1L, "old", 1m])], "0001"));
            Assert.Equal(ApplyOutcome.Applied, await destination.ApplyAsync(Items, [RowChange.Upsert([1L, "newer", 1m])], "0003"));
            Assert.Equal("newer", TempDuckDbFile.Query(destination.Connection, "SELECT name FROM shop.items")[0][0]);
        }
        finally
        {
            await destination.DisposeAsync();
            File.Delete(_file.Path + ".ordered");
            File.Delete(_file.Path + ".ordered.wal");
        }
    }

    [Theory]
    [InlineData("staged")]
    [InlineData("merged")]
    [InlineData("position-recorded")]
    public async Task A_failure_mid_batch_leaves_the_table_as_before(string failAt)
    {
        await _destination.ApplyAsync(Items, [RowChange.Upsert([1L, "a", 1m]), RowChange.Upsert([2L, "b", 2m])], "p1");
        await _destination.WriteSnapshotChunkAsync(Products, [["a", 1L]], "s1");
        var items = Query("SELECT *, _fivetran_synced FROM shop.items ORDER BY id");
        var products = ProductRows();

        _clock.Now = T0.AddSeconds(5);
        _destination.StepHook = step =>
        {
            if (step == failAt) throw new IOException("injected failure at " + step);
        };
        await Assert.ThrowsAsync<IOException>(() => _destination.ApplyAsync(Items,
            [RowChange.Update([1L, "a", 1m], [1L, "changed", 9m]), RowChange.Delete([2L, "b", 2m]), RowChange.Upsert([3L, "c", 3m])], "p2"));
        await Assert.ThrowsAsync<IOException>(() => _destination.ApplyAsync(Products,
            [RowChange.Update(["a", 1L], ["b", 2L])], "s2"));
        _destination.StepHook = null;

        Assert.Equal(items, Query("SELECT *, _fivetran_synced FROM shop.items ORDER BY id"));
        Assert.Equal(products, ProductRows());
        Assert.Equal("p1", await _destination.ReadPositionAsync(Items.Id));
        Assert.Equal("s1", await _destination.ReadPositionAsync(Products.Id));

        // The destination is usable again and the retried batch applies, with the index continuing from before.
        Assert.Equal(ApplyOutcome.Applied, await _destination.ApplyAsync(Items, [RowChange.Upsert([3L, "c", 3m])], "p2"));
        await _destination.ApplyAsync(Products, [RowChange.Update(["a", 1L], ["b", 2L])], "s2");
        Assert.Equal([1L, 2L], ProductRows().Select(r => r[3]));
    }

    [Fact]
    public async Task A_bad_value_mid_batch_names_the_column_and_writes_nothing()
    {
        await _destination.ApplyAsync(Items, [RowChange.Upsert([1L, "a", 1m])], "p1");
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _destination.ApplyAsync(Items,
            [RowChange.Upsert([2L, "b", 2m]), RowChange.Upsert([3L, 42L, 3m])], "p2"));
        Assert.Contains("column name", ex.Message);
        Assert.Equal([[1L, "a", "1.00", false]], ItemRows());
        Assert.Equal("p1", await _destination.ReadPositionAsync(Items.Id));

        await Assert.ThrowsAsync<ArgumentException>(() => _destination.ApplyAsync(Items, [RowChange.Upsert([2L, "b"])], "p2"));
    }

    [Fact]
    public async Task Positions_and_indexes_survive_reopening_the_file()
    {
        await _destination.WriteSnapshotChunkAsync(Products, [["a", 1L], ["b", 2L]], "s1");
        Assert.Null(await _destination.ReadPositionAsync(Items.Id));
        await _destination.DisposeAsync();

        _destination = await DuckDbDestination.OpenAsync(_file.Path, new DestinationOptions { Clock = _clock });
        Assert.Equal("s1", await _destination.ReadPositionAsync(Products.Id));
        await _destination.ApplyAsync(Products, [RowChange.Upsert(["c", 3L])], "b1");
        Assert.Equal([0L, 1L, 2L], ProductRows().Select(r => r[3]));
    }

    [Fact]
    public async Task Hashed_columns_store_salted_sha256()
    {
        var salt = "connector-salt"u8.ToArray();
        var table = new DestinationTable(new TableId("crm", "users"),
        [
            new DestinationColumn("id", DestinationType.Long, PrimaryKeyOrdinal: 1),
            new DestinationColumn("email", DestinationType.String),
            new DestinationColumn("age", DestinationType.Integer),
        ]);
        await using var destination = await DuckDbDestination.OpenAsync(_file.Path + ".hashed", new DestinationOptions
        {
            Hashing = new ColumnHashing(salt, ["crm.users.EMAIL", "crm.users.age"]),
        });
        try
        {
            await destination.ApplyAsync(table, [RowChange.Upsert([1L, "alice@example.com", 30L]), RowChange.Upsert([2L, null, null])], "p1");
            var rows = TempDuckDbFile.Query(destination.Connection, "SELECT id, email, age, typeof(age) FROM crm.users ORDER BY id");
            Assert.Equal(CanonicalValues.SaltedHash("alice@example.com", DestinationTypeKind.String, salt), rows[0][1]);
            Assert.Equal(CanonicalValues.SaltedHash(30L, DestinationTypeKind.Integer, salt), rows[0][2]);
            Assert.Equal("VARCHAR", rows[0][3]);
            Assert.Equal([2L, null, null, "VARCHAR"], rows[1]);
        }
        finally
        {
            await destination.DisposeAsync();
            File.Delete(_file.Path + ".hashed");
            File.Delete(_file.Path + ".hashed.wal");
        }
    }

    [Fact]
    public async Task Every_destination_type_round_trips()
    {
        var table = new DestinationTable(new TableId("types", "all"),
        [
            new DestinationColumn("id", DestinationType.Integer, PrimaryKeyOrdinal: 1),
            new DestinationColumn("b", DestinationType.Boolean),
            new DestinationColumn("l", DestinationType.Long),
            new DestinationColumn("u64", DestinationType.BigDecimal(20, 0)),
            new DestinationColumn("wide", DestinationType.BigDecimal(65, 30)),
            new DestinationColumn("d", DestinationType.Double),
            new DestinationColumn("s", DestinationType.String),
            new DestinationColumn("bin", DestinationType.Binary),
            new DestinationColumn("dt", DestinationType.Date),
            new DestinationColumn("ntz", DestinationType.TimestampNtz),
            new DestinationColumn("tz", DestinationType.Timestamp),
            new DestinationColumn("j", DestinationType.Json),
        ]);
        object?[] row =
        [
            1L, true, long.MinValue, 18446744073709551615m, "-12345678901234567890123456789012345.123456789012345678901234567891",
            0.1, "héllo ☃", new byte[] { 0, 1, 255 }, new DateOnly(1970, 1, 1),
            new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified).AddTicks(9999990),
            new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc), """{"a":[1,2]}""",
        ];
        await _destination.ApplyAsync(table, [RowChange.Upsert(row), RowChange.Upsert([2L, null, null, null, null, null, null, null, null, null, null, null])], "p1");

        var back = Query("SELECT id, b, l, CAST(u64 AS VARCHAR), wide, d, s, bin, dt, ntz, tz, CAST(j AS VARCHAR) FROM types.\"all\" ORDER BY id");
        Assert.Equal(
            [1, true, long.MinValue, "18446744073709551615", row[4], 0.1, "héllo ☃", new byte[] { 0, 1, 255 },
             new DateOnly(1970, 1, 1), row[9], new DateTime(2024, 2, 29, 12, 0, 0), """{"a":[1,2]}"""],
            back[0]);
        Assert.All(back[1][1..], Assert.Null);

        var types = Query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'types' ORDER BY ordinal_position")
            .Select(r => $"{r[0]} {r[1]}").ToList();
        Assert.Equal(
            ["id INTEGER", "b BOOLEAN", "l BIGINT", "u64 DECIMAL(20,0)", "wide VARCHAR", "d DOUBLE", "s VARCHAR", "bin BLOB",
             "dt DATE", "ntz TIMESTAMP", "tz TIMESTAMP WITH TIME ZONE", "j JSON",
             "_fivetran_synced TIMESTAMP WITH TIME ZONE", "_fivetran_deleted BOOLEAN"],
            types);
    }

    private static DestinationTable TypedTable(string name) => new(new TableId("types", name),
    [
        new DestinationColumn("id", DestinationType.Long, PrimaryKeyOrdinal: 1),
        new DestinationColumn("b", DestinationType.Boolean),
        new DestinationColumn("i", DestinationType.Integer),
        new DestinationColumn("price", DestinationType.BigDecimal(12, 2)),
        new DestinationColumn("wide", DestinationType.BigDecimal(65, 30)),
        new DestinationColumn("d", DestinationType.Double),
        new DestinationColumn("s", DestinationType.String),
        new DestinationColumn("bin", DestinationType.Binary),
        new DestinationColumn("dt", DestinationType.Date),
        new DestinationColumn("ntz", DestinationType.TimestampNtz),
        new DestinationColumn("tz", DestinationType.Timestamp),
    ]);

    private static object?[] TypedRow(long id) =>
    [
        id, id % 2 == 0, id * 10, 12.5m + id, "-12345678901234567890123456789012345.123456789012345678901234567891",
        0.1 * id, "héllo " + id, new byte[] { 0, 1, (byte)id }, new DateOnly(1970, 1, 1).AddDays((int)id),
        new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Unspecified).AddTicks(id * 10),
        new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc).AddSeconds(id),
    ];

    [Fact]
    public async Task Snapshot_rows_appended_straight_equal_merged_ones_and_existing_keys_fall_back_to_merging()
    {
        var merged = TypedTable("merged");
        var direct = TypedTable("direct");
        var rows = Enumerable.Range(1, 3000).Select(i => TypedRow(i)).Append(TypedRow(3001)[..2].Concat(new object?[9]).ToArray()).ToList();
        await _destination.ApplyAsync(merged, rows.Select(RowChange.Upsert).ToList(), "p1");
        await _destination.WriteReconciledChunkAsync(direct, rows);
        const string Columns = "id, b, i, CAST(price AS VARCHAR), wide, d, s, bin, dt, ntz, tz, _fivetran_synced, _fivetran_deleted";
        var expected = Query($"SELECT {Columns} FROM types.merged ORDER BY id");
        Assert.Equal(expected, Query($"SELECT {Columns} FROM types.direct ORDER BY id"));
        Assert.Equal("13.50", expected[0][3]);
        Assert.Equal(new DateTime(2024, 2, 29, 12, 0, 1), expected[0][10]);

        // Keys present already (a row the stream wrote, a chunk copied again): the chunk is merged instead, wholly.
        _clock.Now = T0.AddSeconds(7);
        await _destination.ApplyAsync(direct, [RowChange.Delete(TypedRow(3005))], "p2");
        await _destination.WriteReconciledChunkAsync(direct, Enumerable.Range(2990, 20).Select(i => TypedRow(i)).ToList());
        Assert.Equal(3009L, Query("SELECT COUNT(*) FROM types.direct")[0][0]);
        Assert.Equal([false, At(7)], Query("SELECT _fivetran_deleted, _fivetran_synced FROM types.direct WHERE id = 3005")[0]);
        Assert.Equal(At(7), Query("SELECT _fivetran_synced FROM types.direct WHERE id = 2990")[0][0]);
        Assert.Equal(At(0), Query("SELECT _fivetran_synced FROM types.direct WHERE id = 2989")[0][0]);
        Assert.Equal("p2", await _destination.ReadPositionAsync(direct.Id));

        // A key given twice in one chunk (two source keys with one canonical value): the last row wins.
        var twice = TypedRow(5000);
        twice[6] = "second";
        await _destination.WriteReconciledChunkAsync(direct, [TypedRow(5000), twice]);
        Assert.Equal("second", Query("SELECT s FROM types.direct WHERE id = 5000")[0][0]);

        // Without primary key: the same rows again collapse onto their _fivetran_id with the next indexes.
        await _destination.WriteSnapshotChunkAsync(Products, [["a", 1L], ["b", 2L]], "s1");
        await _destination.WriteSnapshotChunkAsync(Products, [["b", 2L], ["c", 3L]], "s2");
        Assert.Equal([[0L, "a"], [2L, "b"], [3L, "c"]],
            Query("SELECT _fivetran_index, description FROM shop.products ORDER BY _fivetran_index"));
    }

    [Fact]
    public async Task A_reconciled_chunk_is_written_without_checking_or_moving_the_position()
    {
        var comparing = await DuckDbDestination.OpenAsync(_file.Path + ".cmp.duckdb",
            new DestinationOptions { Clock = _clock, PositionComparer = Sluice.Replication.Positions.BinlogPositionComparer.Instance });
        try
        {
            await comparing.ApplyAsync(Items, [RowChange.Upsert([1L, "stream", 1.5m])], "bin.000001:500");
            // A chunk written after the stream went further is still written, and the stream's position stays.
            await comparing.WriteReconciledChunkAsync(Items, [[2L, "chunk", 2.5m], [3L, "chunk", 3.5m]]);
            Assert.Equal("bin.000001:500", await comparing.ReadPositionAsync(Items.Id));
            Assert.Equal(ApplyOutcome.AlreadyApplied, await comparing.ApplyAsync(Items, [RowChange.Upsert([1L, "old", 1m])], "bin.000001:400"));
            Assert.Equal(3L, TempDuckDbFile.Query(comparing.Connection, "SELECT COUNT(*) FROM shop.items")[0][0]);

            // Before any stream batch, a chunk leaves no position behind.
            await comparing.WriteReconciledChunkAsync(Products, [["a", 1L]]);
            Assert.Null(await comparing.ReadPositionAsync(Products.Id));
        }
        finally
        {
            await comparing.DisposeAsync();
            foreach (var f in new[] { _file.Path + ".cmp.duckdb", _file.Path + ".cmp.duckdb.wal" })
            {
                if (File.Exists(f)) File.Delete(f);
            }
        }
    }

    [Fact]
    public async Task Dropping_a_table_forgets_its_rows_and_position_and_it_can_be_created_again()
    {
        await _destination.ApplyAsync(Items, [RowChange.Upsert([1L, "x", 1m])], "p1");
        await _destination.DropTableAsync(Items.Id);
        Assert.Null(await _destination.ReadPositionAsync(Items.Id));
        Assert.Empty(Query("SELECT * FROM information_schema.tables WHERE table_schema = 'shop' AND table_name = 'items'"));

        var reshaped = new DestinationTable(Items.Id, [.. Items.Columns, new DestinationColumn("note", DestinationType.String)]);
        await _destination.ApplyAsync(reshaped, [RowChange.Upsert([2L, "y", 2m, "n"])], "p1");
        Assert.Equal([[2L, "y", "2.00", false]], ItemRows());
    }
}
