using Sluice.Binlog.Client;
using Sluice.Replication.Discovery;
using Sluice.Replication.Positions;
using Sluice.Replication.Schema;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Schema;

public sealed class SchemaHistoryTests
{
    private static readonly TableId Orders = new("db", "orders");

    private static BinlogPosition P(long offset, int file = 1) => new($"mariadb-bin.{file:D6}", offset);

    private static SchemaHistory Started()
    {
        var catalog = DdlApplier.Apply(SchemaCatalog.Empty, "CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(10))", "db").Catalog;
        return SchemaHistory.Start(P(4), catalog);
    }

    private static string Columns(SchemaHistory history, BinlogPosition at) =>
        history.TableAt(Orders, at) is { } t ? string.Join(",", t.Columns.Select(c => c.Name + ":" + c.ColumnType)) : "(none)";

    [Fact]
    public void Each_position_decodes_with_the_definition_in_force_there()
    {
        var history = Started()
            .Apply(P(100), "ALTER TABLE orders ADD total DECIMAL(8,2) AFTER id", "db")
            .Apply(P(200), "ALTER TABLE orders MODIFY note VARCHAR(10) CHARSET latin1", "db")
            .Apply(P(50, 2), "ALTER TABLE orders CHANGE total amount BIGINT", "db");

        Assert.Equal(3, history.Versions.Count);
        Assert.Equal("id:int(11),note:varchar(10)", Columns(history, P(4)));
        Assert.Equal("id:int(11),note:varchar(10)", Columns(history, P(99)));
        Assert.Equal("id:int(11),total:decimal(8,2),note:varchar(10)", Columns(history, P(100)));
        Assert.Equal("id:int(11),total:decimal(8,2),note:varchar(10)", Columns(history, P(150)));
        Assert.Equal("latin1", history.TableAt(Orders, P(200))!.Columns[2].CharacterSet);
        Assert.Equal("utf8mb4", history.TableAt(Orders, P(199))!.Columns[2].CharacterSet);
        // A later file sorts after every offset of an earlier one.
        Assert.Equal("id:int(11),total:decimal(8,2),note:varchar(10)", Columns(history, P(9_999_999)));
        Assert.Equal("id:int(11),amount:bigint(20),note:varchar(10)", Columns(history, P(50, 2)));
        // Before the base there is nothing older to go by: the base definition.
        Assert.Equal("id:int(11),note:varchar(10)", Columns(history, P(1)));
    }

    [Fact]
    public void Replays_at_or_before_the_latest_version_are_ignored()
    {
        var history = Started().Apply(P(100), "ALTER TABLE orders ADD total INT", "db");
        var replayed = history.Apply(P(100), "ALTER TABLE orders ADD total INT", "db", out var applied);
        Assert.Same(history, replayed);
        Assert.True(applied.IsNoOp);
        Assert.Same(history, history.Apply(P(60), "ALTER TABLE orders DROP note", "db"));
        Assert.Same(history, history.Apply(P(300), "INSERT INTO orders VALUES (1, 'a', 2)", "db"));
    }

    [Fact]
    public void Drop_rename_and_not_understood()
    {
        var history = Started()
            .Apply(P(100), "RENAME TABLE orders TO orders_old", "db")
            .Apply(P(200), "ALTER TABLE orders_old FROB", "db", out var applied);
        Assert.IsType<TableEffect.NotUnderstood>(Assert.Single(applied.Effects));
        Assert.Single(history.Versions);
        Assert.Null(history.TableAt(Orders, P(100)));
        Assert.NotNull(history.TableAt(Orders, P(99)));
        Assert.NotNull(history.TableAt(new TableId("db", "orders_old"), P(100)));

        history = history.Apply(P(300), "DROP TABLE orders_old", "db");
        Assert.Null(history.TableAt(new TableId("db", "orders_old"), P(300)));
        Assert.NotNull(history.TableAt(new TableId("db", "orders_old"), P(299)));
    }

    [Fact]
    public void Prune_keeps_the_version_in_force_at_the_checkpoint()
    {
        var history = Started()
            .Apply(P(100), "ALTER TABLE orders ADD a INT", "db")
            .Apply(P(200), "ALTER TABLE orders ADD b INT", "db")
            .Apply(P(300), "ALTER TABLE orders ADD c INT", "db");

        var pruned = history.Prune(P(250));
        Assert.Equal(P(200), pruned.BasePosition);
        Assert.Single(pruned.Versions);
        Assert.Equal(Columns(history, P(250)), Columns(pruned, P(250)));
        Assert.Equal(Columns(history, P(300)), Columns(pruned, P(300)));
        Assert.Same(history, history.Prune(P(50)));
        Assert.Empty(history.Prune(P(1000)).Versions);
        Assert.Equal(Columns(history, P(1000)), Columns(history.Prune(P(1000)), P(1000)));
    }

    [Fact]
    public void Refresh_replaces_one_table_from_a_re_read()
    {
        var history = Started().Apply(P(100), "ALTER TABLE orders ADD a INT", "db");
        var reread = TableSchema.Create(Orders, history.TableAt(Orders, P(100))!.Columns.Take(1), new CharsetCollation("latin1", "latin1_swedish_ci"));

        var later = history.Refresh(P(150), reread);
        Assert.Equal(2, later.Versions.Count);
        Assert.Equal("id:int(11),note:varchar(10),a:int(11)", Columns(later, P(149)));
        Assert.Equal("id:int(11)", Columns(later, P(150)));

        var same = history.Refresh(P(100), reread);
        Assert.Single(same.Versions);
        Assert.Equal("id:int(11)", Columns(same, P(100)));

        var forgotten = later.Forget(P(160), Orders);
        Assert.Null(forgotten.TableAt(Orders, P(160)));
        Assert.NotNull(forgotten.TableAt(Orders, P(159)));
    }

    [Fact]
    public void Json_round_trips()
    {
        var gtid = BinlogPositionText.Parse("mariadb-bin.000001:700;mariadb=0-1-9");
        var history = SchemaHistory.Start(P(4), DdlApplier.Apply(SchemaCatalog.Empty with
            {
                Dialect = SchemaDialect.MariaDb,
                ExplicitDefaultsForTimestamp = false,
                ServerDefaults = new CharsetCollation("latin1", "latin1_swedish_ci"),
                CharsetDefaultCollations = SchemaCatalog.Empty.CharsetDefaultCollations.SetItem("utf8mb4", "utf8mb4_unicode_ci"),
            }, "CREATE DATABASE db CHARACTER SET utf8mb4", null).Catalog)
            .Apply(P(50), "CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT, e ENUM('a''b','c\\\\d') NOT NULL, j JSON, t DATETIME(6), g INT AS (id) STORED)", "db")
            .Apply(P(100), "CREATE TABLE other (x INT)", "db")
            .Apply(gtid, "ALTER TABLE orders ADD COLUMN note TEXT CHARSET cp1251 FIRST", "db")
            .Apply(P(800), "DROP TABLE other", "db")
            .Apply(P(900), "CREATE DATABASE d2 COLLATE latin1_bin", null);

        var json = history.ToJson();
        var back = SchemaHistory.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Equal(history.BasePosition, back.BasePosition);
        Assert.Equal(history.Versions.Select(v => v.Position), back.Versions.Select(v => v.Position));
        Assert.Equal(gtid.MariaDbGtids?.ToString(), back.Versions[2].Position.MariaDbGtids?.ToString());
        for (var k = 0; k < history.Versions.Count; k++)
        {
            var expected = history.Versions[k].Catalog;
            var actual = back.Versions[k].Catalog;
            Assert.Equal(expected.Tables.Keys.OrderBy(t => t.ToString()), actual.Tables.Keys.OrderBy(t => t.ToString()));
            foreach (var id in expected.Tables.Keys) Assert.Empty(SchemaCompare.Differences(expected.Tables[id], actual.Tables[id]));
            Assert.Equal(expected.Databases.OrderBy(d => d.Key), actual.Databases.OrderBy(d => d.Key));
            Assert.Equal(expected.ServerDefaults, actual.ServerDefaults);
            Assert.False(actual.ExplicitDefaultsForTimestamp);
            Assert.Equal("utf8mb4_unicode_ci", actual.DefaultCollationOf("utf8mb4"));
        }
        // Unchanged tables are written once, not in every version: once when created, once when removed.
        Assert.Equal(2, CountOccurrences(json, "\"name\":\"other\""));
        Assert.Equal(1, CountOccurrences(json, "\"removed\""));
    }

    [Fact]
    public void Json_keeps_the_ordinals_of_tables_with_hidden_columns()
    {
        var visible = DdlApplier.Apply(SchemaCatalog.Empty, "CREATE TABLE orders (id INT PRIMARY KEY, c INT)", "db").Catalog.Tables[Orders];
        var read = visible with { Table = visible.Table with { Columns = [visible.Columns[0], visible.Columns[1] with { Ordinal = 3 }] } };
        var history = SchemaHistory.Start(P(4), SchemaCatalog.Empty.WithTable(read));
        var back = SchemaHistory.FromJson(history.ToJson()).TableAt(Orders, P(4))!;
        Assert.Equal([1, 3], back.Columns.Select(c => c.Ordinal));
        Assert.Equal(["id"], back.Table.PrimaryKey);
    }

    private static int CountOccurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    [Fact]
    public void Golden_json_of_format_1_still_reads()
    {
        var json = File.ReadAllText(RepositoryPaths.File("tests/Sluice.Replication.Tests/Schema/schema-history-v1.json"));
        var history = SchemaHistory.FromJson(json);
        var orders = new TableId("shop", "orders");

        Assert.Equal(P(4), history.BasePosition);
        Assert.Equal(2, history.Versions.Count);
        Assert.Equal("0-1-7", history.Versions[0].Position.MariaDbGtids?.ToString());
        Assert.Equal(SchemaDialect.MariaDb, history.Base.Catalog.Dialect);
        Assert.True(history.Base.Catalog.ExplicitDefaultsForTimestamp);

        var before = history.TableAt(orders, P(499))!;
        Assert.Equal(["id", "note", "status", "at", "doc"], before.Columns.Select(c => c.Name));
        Assert.Equal(["id"], before.Table.PrimaryKey);
        Assert.Equal(["new", "it's done"], before.Columns[2].Labels);
        Assert.Equal(3, before.Columns[3].DateTimePrecision);
        Assert.True(before.Columns[4].IsJsonAlias);
        Assert.True(before.Columns[0].IsUnsigned);
        Assert.Equal("auto_increment", before.Columns[0].Extra);
        Assert.Equal(new CharsetCollation("latin1", "latin1_swedish_ci"), before.Defaults);

        var after = history.TableAt(orders, P(500))!;
        Assert.Equal(["id", "total", "note", "status", "at", "doc"], after.Columns.Select(c => c.Name));
        Assert.Equal([1, 2, 3, 4, 5, 6], after.Columns.Select(c => c.Ordinal));
        Assert.Equal(2L, after.Columns[1].NumericScale);

        Assert.Null(history.TableAt(orders, P(120, 2)));
        Assert.Single(history.TableAt(new TableId("archive", "orders"), P(120, 2))!.Columns);
        Assert.Equal(new CharsetCollation("utf8mb4", "utf8mb4_bin"), history.CatalogAt(P(120, 2)).DatabaseDefaults("archive"));
        Assert.Equal(new CharsetCollation("utf8mb4", "utf8mb4_general_ci"), history.CatalogAt(P(120, 2)).DatabaseDefaults("nosuch"));

        // And it writes back to the same content.
        Assert.Equal(history.ToJson(), SchemaHistory.FromJson(history.ToJson()).ToJson());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"format\": 2, \"base\": {\"position\": \"f.000001:4\", \"tables\": []}}")]
    [InlineData("{\"format\": 1, \"base\": {\"position\": \"f.000001:4\", \"dialect\": \"Oracle\", \"tables\": []}}")]
    [InlineData("{\"format\": 1, \"base\": {\"position\": \"nonsense\", \"dialect\": \"MariaDb\", \"serverDefaults\": {\"charset\": \"a\", \"collation\": \"b\"}, \"tables\": []}}")]
    public void Bad_json_fails_with_a_format_exception(string json)
    {
        var e = Assert.Throws<FormatException>(() => SchemaHistory.FromJson(json));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }
}
