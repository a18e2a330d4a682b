using MySqlConnector;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Replication.Discovery;
using Sluice.Replication.Schema;
using Sluice.Replication.Tests.Changes;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Schema;

/// <summary>
/// DDL as the server logs it: the history starts from information_schema, is moved by the QUERY events streamed back,
/// and every row event must find the definition of its own position (column count and binlog column types).
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class SchemaHistoryLiveTests(MariaDbServer server)
{
    [Fact]
    public async Task Rows_between_ddl_statements_find_the_definition_of_their_position()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE s (id INT PRIMARY KEY, a VARCHAR(5))");
        var s = new TableId(db.Name, "s");

        await using var connection = new MySqlConnection(server.RootConnectionString(db.Name));
        await connection.OpenAsync();
        var start = await BinlogChanges.PositionAsync(server);
        var history = SchemaHistory.Start(start, await SchemaCatalogReader.ReadAsync(connection, [s]));

        string[] statements =
        [
            "INSERT INTO s VALUES (1, 'x')",
            "ALTER TABLE s ADD b INT AFTER id",
            "INSERT INTO s VALUES (2, 5, 'y')",
            "ALTER TABLE s MODIFY a VARCHAR(5) CHARACTER SET latin1",
            "INSERT INTO s VALUES (3, 6, 'z')",
            "ALTER TABLE s CHANGE b b BIGINT UNSIGNED",
            "UPDATE s SET b = b + 1",
            "CREATE TABLE s2 SELECT * FROM s",
            "INSERT INTO s2 VALUES (9, 9, 'w')",
            "ALTER TABLE s DROP a, ADD t TEXT FIRST",
            "INSERT INTO s VALUES ('text', 4, 7)",
            "RENAME TABLE s TO s3",
            "INSERT INTO s3 VALUES ('more', 5, 8)",
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,NO_BACKSLASH_ESCAPES')",
            "ALTER TABLE \"s3\" ADD \"q\" ENUM('a\\b') AFTER id",
            "INSERT INTO s3 VALUES ('last', 6, 'a\\b', 9)",
            "DELETE FROM s2",
            "DROP TABLE s2",
        ];
        foreach (var sql in statements)
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        var problems = new List<string>();
        var queries = new List<(BinlogPosition, QueryEvent)>();
        var rowsChecked = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var item in BinlogChanges.Client(server).StreamAsync(BinlogStartPosition.FromFile(start.FileName, start.Position), cts.Token))
        {
            if (item.Event is QueryEvent query)
            {
                queries.Add((item.Position, query));
                history = history.Apply(item.Position, query, out var applied);
                foreach (var failed in applied.Effects.OfType<TableEffect.NotUnderstood>())
                {
                    problems.Add($"not understood ({failed.Reason}): {query.Sql}");
                }
            }
            else if (item.Event is RowsEvent { Table: { } map } && map.Schema == db.Name)
            {
                var table = history.TableAt(new TableId(map.Schema, map.Table), item.Position);
                if (table is null)
                {
                    problems.Add($"rows of {map.Table} at {item.Position}: no definition");
                    continue;
                }
                var expected = string.Join(",", table.Columns.Select(c => BinlogType(c.DataType)));
                var actual = string.Join(",", map.ColumnTypes.Select(t => (int)t));
                if (expected != actual) problems.Add($"rows of {map.Table} at {item.Position}: types {expected} vs {actual}");
                rowsChecked++;
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(rowsChecked >= 8, $"only {rowsChecked} rows events were checked");

        // The history ends where information_schema is now.
        var s3 = new TableId(db.Name, "s3");
        var now = await SchemaCatalogReader.ReadAsync(connection, [s3]);
        Assert.Empty(SchemaCompare.Differences(history.Latest.Catalog.Tables[s3], now.Tables[s3]));
        Assert.Null(history.Latest.Catalog.Table(s));
        Assert.Null(history.Latest.Catalog.Table(new TableId(db.Name, "s2")));
        Assert.Equal("enum('a\\\\b')", history.Latest.Catalog.Tables[s3].Columns[2].ColumnType);

        // Replaying the same events (a restart from an earlier position) changes nothing.
        var replayed = history;
        foreach (var (position, query) in queries) replayed = replayed.Apply(position, query, out _);
        Assert.Same(history, replayed);
    }

    /// <summary>The binlog TABLE_MAP type code of a column type (for the types this test uses).</summary>
    private static int BinlogType(string dataType) => dataType switch
    {
        "int" => 3,
        "bigint" => 8,
        "varchar" => 15,
        "text" or "blob" => 252,
        "enum" or "set" or "char" => 254,
        _ => throw new InvalidOperationException($"no binlog type for {dataType} in this test"),
    };
}
