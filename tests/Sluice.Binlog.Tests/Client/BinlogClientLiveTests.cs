using System.Globalization;
using MySqlConnector;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Binlog.Protocol;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Client;

/// <summary>Streaming the real MariaDB test server's binlog.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogClientLiveTests(MariaDbServer server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private BinlogClientOptions Options(bool stopAtEnd = true) => new()
    {
        Connection = BinlogConnectionOptions.Parse(server.ReplicationConnectionString()) with { SslMode = BinlogSslMode.Disabled },
        StopAtEnd = stopAtEnd,
        InitialReconnectDelay = TimeSpan.FromMilliseconds(50),
    };

    private static async Task<List<BinlogStreamItem>> CollectAsync(BinlogClient client, BinlogStartPosition start)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var items = new List<BinlogStreamItem>();
        await foreach (var item in client.StreamAsync(start, cts.Token)) items.Add(item);
        return items;
    }

    /// <summary>The row changes of one table as text: "I 1 a", "U 2 b->bb", "D 1 a".</summary>
    private static List<string> RowChanges(IEnumerable<BinlogStreamItem> items, string schema, string table)
    {
        static string V(RowImage r) => string.Create(CultureInfo.InvariantCulture, $"{r[0]} {r[1]}");
        var changes = new List<string>();
        foreach (var item in items)
        {
            if (item.Event is not RowsEvent rows || rows.Table?.Schema != schema || rows.Table.Table != table) continue;
            switch (rows)
            {
                case WriteRowsEvent w: changes.AddRange(w.Rows.Select(r => "I " + V(r))); break;
                case UpdateRowsEvent u: changes.AddRange(u.Rows.Select(r => $"U {V(r.Before)}->{r.After[1]}")); break;
                case DeleteRowsEvent d: changes.AddRange(d.Rows.Select(r => "D " + V(r))); break;
            }
        }
        return changes;
    }

    private async Task<(TestDatabase Db, string Table)> WriteSampleAsync(string table)
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync($"CREATE TABLE {table} (id INT PRIMARY KEY, v VARCHAR(20))");
        await db.ExecuteAsync($"INSERT INTO {table} VALUES (1, 'a'), (2, 'b')");
        await db.ExecuteAsync($"INSERT INTO {table} VALUES (3, 'c')");
        await db.ExecuteAsync($"UPDATE {table} SET v = 'bb' WHERE id = 2");
        await db.ExecuteAsync($"DELETE FROM {table} WHERE id = 1");
        return (db, table);
    }

    private static readonly string[] ExpectedSample = ["I 1 a", "I 2 b", "I 3 c", "U 2 b->bb", "D 1 a"];

    private static void AssertPositionsAdvance(IReadOnlyList<BinlogStreamItem> items)
    {
        for (var i = 1; i < items.Count; i++)
        {
            var (a, b) = (items[i - 1].Position, items[i].Position);
            Assert.True(a.FileName != b.FileName || b.Position >= a.Position, $"position went back from {a} to {b}");
        }
        Assert.True(items[^1].IsTransactionBoundary, "the stream should end between transactions");
        foreach (var item in items)
        {
            if (item.Event is XidEvent) Assert.True(item.IsTransactionBoundary);
            if (item.Event is RowsEvent or TableMapEvent) Assert.False(item.IsTransactionBoundary);
        }
    }

    [Fact]
    public async Task Streams_changes_from_a_file_position_and_stops_at_end()
    {
        await server.DatabaseForAsync(GetType());
        var client = new BinlogClient(Options());
        var start = await client.GetCurrentPositionAsync();
        Assert.NotNull(start.MariaDbGtids);
        var (db, table) = await WriteSampleAsync("from_file");

        var items = await CollectAsync(client, BinlogStartPosition.FromFile(start.FileName, start.Position));

        Assert.Equal(ExpectedSample, RowChanges(items, db.Name, table));
        Assert.IsType<RotateEvent>(items[0].Event);
        Assert.Contains(items, i => i.Event is QueryEvent q && q.Sql.Contains("CREATE TABLE", StringComparison.Ordinal) && i.IsTransactionBoundary);
        AssertPositionsAdvance(items);

        // The final position is the server's (file, position and GTID state).
        var end = await client.GetCurrentPositionAsync();
        Assert.Equal(end.FileName, items[^1].Position.FileName);
        Assert.Equal(end.Position, items[^1].Position.Position);
        Assert.Equal(end.MariaDbGtids, items[^1].Position.MariaDbGtids);
    }

    [Fact]
    public async Task Streams_changes_from_a_mariadb_gtid_position()
    {
        await server.DatabaseForAsync(GetType());
        var client = new BinlogClient(Options());
        var start = await client.GetCurrentPositionAsync();
        var (db, table) = await WriteSampleAsync("from_gtid");

        var items = await CollectAsync(client, BinlogStartPosition.FromMariaDbGtid(start.MariaDbGtids!));

        Assert.Equal(ExpectedSample, RowChanges(items, db.Name, table));
        AssertPositionsAdvance(items);
        var gtids = items.Where(i => i.Event is MariaDbGtidEvent).ToList();
        Assert.Equal(5, gtids.Count); // CREATE TABLE + 4 DML transactions
        var end = await client.GetCurrentPositionAsync();
        Assert.Equal(end.MariaDbGtids, items[^1].Position.MariaDbGtids);
        Assert.Equal(end.Position, items[^1].Position.Position);

        // Resuming from a boundary in the middle gives exactly the rest.
        var middle = items.Where(i => i.IsTransactionBoundary && i.Event is XidEvent).ElementAt(1);
        var rest = await CollectAsync(client, BinlogStartPosition.ResumeFrom(middle.Position));
        Assert.Equal(ExpectedSample[3..], RowChanges(rest, db.Name, table));
    }

    [Fact]
    public async Task Sees_changes_arrive_while_streaming()
    {
        var client = new BinlogClient(Options(stopAtEnd: false));
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE live_arrivals (id INT PRIMARY KEY, v VARCHAR(20))");
        using var cts = new CancellationTokenSource(Deadline);
        var seen = new List<BinlogStreamItem>();
        Task? writer = null;
        await foreach (var item in client.StreamAsync(BinlogStartPosition.Current, cts.Token))
        {
            seen.Add(item);
            if (item.Event is FormatDescriptionEvent && writer is null)
            {
                // The dump has started: write now, the stream must deliver it.
                writer = Task.Run(async () =>
                {
                    for (var i = 1; i <= 3; i++) await db.ExecuteAsync($"INSERT INTO live_arrivals VALUES ({i}, 'x{i}')");
                });
            }
            if (RowChanges(seen, db.Name, "live_arrivals").Count == 3) break;
        }
        Assert.NotNull(writer);
        await writer;
        Assert.Equal(["I 1 x1", "I 2 x2", "I 3 x3"], RowChanges(seen, db.Name, "live_arrivals"));
    }

    [Fact]
    public async Task Stop_at_end_from_the_current_position_terminates()
    {
        var client = new BinlogClient(Options());
        var items = await CollectAsync(client, BinlogStartPosition.Current);
        Assert.DoesNotContain(items, i => i.Event is RowsEvent);
    }

    [Fact]
    public async Task Resumes_after_a_killed_connection_without_losing_or_repeating_events()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE killed (id INT PRIMARY KEY, payload LONGTEXT)");
        var start = await new BinlogClient(Options()).GetCurrentPositionAsync();

        // Large transactions (several MB in all) so the kill cuts the stream inside one, beyond the socket buffers.
        const int transactions = 8, rowsPerTransaction = 8;
        await using (var conn = new MySqlConnection(db.RootConnectionString))
        {
            await conn.OpenAsync();
            var id = 0;
            for (var t = 0; t < transactions; t++)
            {
                await using var trx = await conn.BeginTransactionAsync();
                for (var r = 0; r < rowsPerTransaction; r++)
                {
                    id++;
                    await using var cmd = new MySqlCommand($"INSERT INTO killed VALUES ({id}, REPEAT('{(char)('a' + id % 26)}', 150000))", conn, trx);
                    await cmd.ExecuteNonQueryAsync();
                }
                await trx.CommitAsync();
            }
        }

        var logger = new ListLogger<BinlogClient>();
        var client = new BinlogClient(Options() with { HeartbeatInterval = TimeSpan.FromSeconds(1) }, logger);
        var items = new List<BinlogStreamItem>();
        var killedAt = -1;
        using var cts = new CancellationTokenSource(Deadline);
        await foreach (var item in client.StreamAsync(BinlogStartPosition.FromFile(start.FileName, start.Position), cts.Token))
        {
            items.Add(item);
            if (killedAt < 0 && item.Event is WriteRowsEvent && items.Count(i => i.Event is WriteRowsEvent) == 3)
            {
                Assert.False(item.IsTransactionBoundary);
                killedAt = items.Count;
                var threadId = await server.ScalarAsync(
                    $"SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '{server.ReplicationUser}' AND COMMAND LIKE 'Binlog Dump%'");
                Assert.NotNull(threadId);
                await server.ExecuteAsync($"KILL {threadId}");
            }
        }

        Assert.True(killedAt > 0);
        Assert.Contains(logger.Entries, e => e.Id.Id == 2004); // Reconnected
        // The interrupted transaction was replayed from its start and its delivered events skipped
        // (more than the dump's own ROTATE + FORMAT_DESCRIPTION + GTID_LIST/checkpoint preamble).
        var skipped = Assert.Single(logger.Entries, e => e.Id.Id == 2007);
        Assert.True(int.Parse(skipped.Message.Split(' ')[1], CultureInfo.InvariantCulture) > 4, skipped.Message);
        var ids = items.Where(i => i.Event is WriteRowsEvent w && w.Table?.Table == "killed")
            .SelectMany(i => ((WriteRowsEvent)i.Event).Rows).Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, transactions * rowsPerTransaction), ids);

        // Every event of the binlog exactly once: compare with an uninterrupted stream of the same range.
        var reference = await CollectAsync(new BinlogClient(Options()), BinlogStartPosition.FromFile(start.FileName, start.Position));
        Assert.Equal(reference.Select(Describe), items.Select(Describe));
    }

    private static string Describe(BinlogStreamItem item) =>
        $"{item.Event.Header.EventType} {item.Position.FileName}:{item.Position.Position} {item.IsTransactionBoundary}";

    [Fact]
    public async Task Purged_binlog_is_a_typed_error()
    {
        var client = new BinlogClient(Options());
        var old = await client.GetCurrentPositionAsync();
        await server.ExecuteAsync("FLUSH BINARY LOGS");
        var now = await client.GetCurrentPositionAsync();
        Assert.NotEqual(old.FileName, now.FileName);
        // MariaDB keeps a file until its binlog checkpoint has moved on (asynchronously): retry within a deadline.
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            await server.ExecuteAsync($"PURGE BINARY LOGS TO '{now.FileName}'");
            await using var conn = await BinlogConnection.OpenAsync(Options().Connection);
            var first = (await conn.QueryAsync("SHOW BINARY LOGS")).Scalar;
            if (first == now.FileName) break;
            Assert.True(DateTime.UtcNow < deadline, $"{old.FileName} could not be purged");
            await Task.Delay(50);
        }

        var ex = await Assert.ThrowsAsync<BinlogPositionUnavailableException>(
            () => CollectAsync(client, BinlogStartPosition.FromFile(old.FileName, old.Position)));
        Assert.Equal(1236, ex.ErrorCode);
        Assert.Contains("purged", ex.Hint);
    }

    [Fact]
    public async Task Wrong_password_is_a_typed_access_denied_error()
    {
        var options = Options() with { Connection = Options().Connection with { Password = "wrong" } };
        var ex = await Assert.ThrowsAsync<BinlogAccessDeniedException>(() => CollectAsync(new BinlogClient(options), BinlogStartPosition.Current));
        Assert.Equal(1045, ex.ErrorCode);
    }

    [Fact]
    public void Server_id_is_random_in_a_high_range_unless_given()
    {
        var a = new BinlogClient(Options());
        var b = new BinlogClient(Options());
        Assert.InRange(a.ServerId, 1u << 30, (uint)int.MaxValue);
        Assert.NotEqual(a.ServerId, b.ServerId);
        Assert.Equal(42u, new BinlogClient(Options() with { ServerId = 42 }).ServerId);
    }
}
