using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Discovery;

[Collection(MariaDbCollection.Name)]
public sealed class SchemaDiscoveryTests(MariaDbServer server)
{
    private static readonly SemaphoreSlim SetupLock = new(1, 1);
    private static bool _setUp;

    private async Task<TestDatabase> DatabaseAsync()
    {
        var db = await server.DatabaseForAsync(GetType());
        await SetupLock.WaitAsync();
        try
        {
            if (_setUp) return db;
            await db.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS empty_pk (id INT PRIMARY KEY, name VARCHAR(20));
                CREATE TABLE IF NOT EXISTS composite (b INT NOT NULL, a INT NOT NULL, v TEXT, PRIMARY KEY (a, b));
                CREATE TABLE IF NOT EXISTS no_pk (x INT, y VARCHAR(5));
                CREATE TABLE IF NOT EXISTS typed (
                  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
                  flag TINYINT(1) UNSIGNED,
                  price DECIMAL(12,3) NOT NULL,
                  at DATETIME(3),
                  t TIME(6),
                  e ENUM('it''s', 'a\\b', 'plain') CHARACTER SET latin1,
                  s SET('x','y'),
                  j JSON,
                  secret VARCHAR(10));
                CREATE TABLE IF NOT EXISTS big (id INT PRIMARY KEY, filler VARCHAR(500));
                CREATE OR REPLACE VIEW a_view AS SELECT id FROM empty_pk;
                """);
            await db.ExecuteAsync("""
                INSERT IGNORE INTO big SELECT seq, REPEAT('x', 400) FROM seq_1_to_3000;
                INSERT INTO no_pk VALUES (1, 'a');
                ANALYZE TABLE big, empty_pk, composite, no_pk, typed;
                """);
            _setUp = true;
            return db;
        }
        finally
        {
            SetupLock.Release();
        }
    }

    private async Task<IReadOnlyList<SourceTable>> DiscoverAsync(string connectionString, DiscoveryFilter? filter)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return await SchemaDiscovery.DiscoverAsync(connection, filter);
    }

    [Fact]
    public async Task Finds_base_tables_but_not_views_or_system_schemas()
    {
        var db = await DatabaseAsync();
        var all = await DiscoverAsync(server.ReplicationConnectionString(), null);

        var mine = all.Where(t => t.Id.Schema == db.Name).Select(t => t.Id.Name).Order().ToList();
        Assert.Equal(["big", "composite", "empty_pk", "no_pk", "typed"], mine);
        Assert.DoesNotContain(all, t => SchemaDiscovery.IsSystemSchema(t.Id.Schema));
        Assert.DoesNotContain(all, t => t.Id.Schema is "mysql" or "sys" or "performance_schema" or "information_schema");
    }

    [Theory]
    [InlineData("performance_schema", true)]
    [InlineData("PERCONA", true)]
    [InlineData("Looker_Scratch", true)]
    [InlineData("tmp", true)]
    [InlineData("sys", true)]
    [InlineData("innodb", true)]
    [InlineData("shop", false)]
    public void System_schemas_compare_case_insensitively(string schema, bool system) =>
        Assert.Equal(system, SchemaDiscovery.IsSystemSchema(schema));

    [Fact]
    public async Task Columns_come_in_ordinal_order_with_their_types()
    {
        var db = await DatabaseAsync();
        var tables = await DiscoverAsync(server.ReplicationConnectionString(), DiscoveryFilter.FromNames(includeSchemas: [db.Name]));
        var typed = Assert.Single(tables, t => t.Id.Name == "typed");

        Assert.Equal(["id", "flag", "price", "at", "t", "e", "s", "j", "secret"], typed.Columns.Select(c => c.Name));
        Assert.Equal(Enumerable.Range(1, 9), typed.Columns.Select(c => c.Ordinal));

        var id = typed.Column("id")!;
        Assert.Equal("bigint", id.DataType);
        Assert.True(id.IsUnsigned);
        Assert.False(id.IsNullable);
        Assert.Equal(1, id.PrimaryKeyOrdinal);

        var flag = typed.Column("flag")!;
        Assert.Equal("tinyint(1) unsigned", flag.ColumnType);
        Assert.Equal(1, flag.DisplayWidth);
        Assert.True(flag.IsNullable);

        var price = typed.Column("price")!;
        Assert.Equal(12, price.NumericPrecision);
        Assert.Equal(3, price.NumericScale);

        Assert.Equal(3, typed.Column("at")!.DateTimePrecision);
        Assert.Equal(6, typed.Column("t")!.DateTimePrecision);

        var e = typed.Column("e")!;
        Assert.Equal(["it's", "a\\b", "plain"], e.Labels);
        Assert.Equal("latin1", e.CharacterSet);
        Assert.StartsWith("latin1_", e.Collation);
        Assert.Equal(["x", "y"], typed.Column("s")!.Labels);
        Assert.Equal("utf8mb4", typed.Column("secret")!.CharacterSet);
        Assert.Null(id.CharacterSet);

        Assert.True(typed.Column("j")!.IsJsonAlias);
        Assert.False(typed.Column("secret")!.IsJsonAlias);
    }

    [Fact]
    public async Task Primary_key_columns_come_in_key_order()
    {
        var db = await DatabaseAsync();
        var tables = await DiscoverAsync(server.ReplicationConnectionString(), DiscoveryFilter.FromNames(includeSchemas: [db.Name]));

        var composite = Assert.Single(tables, t => t.Id.Name == "composite");
        Assert.Equal(["a", "b"], composite.PrimaryKey);
        Assert.Equal(["b", "a", "v"], composite.Columns.Select(c => c.Name));
        Assert.Equal(2, composite.Column("b")!.PrimaryKeyOrdinal);

        var noPk = Assert.Single(tables, t => t.Id.Name == "no_pk");
        Assert.False(noPk.HasPrimaryKey);
        Assert.Empty(noPk.PrimaryKey);
    }

    [Fact]
    public async Task Tables_sort_smallest_first()
    {
        var db = await DatabaseAsync();
        var tables = await DiscoverAsync(server.ReplicationConnectionString(), DiscoveryFilter.FromNames(includeSchemas: [db.Name]));

        Assert.Equal("big", tables[^1].Id.Name);
        Assert.True(tables[^1].ApproximateBytes > tables[0].ApproximateBytes);
        Assert.True(tables[^1].ApproximateRows > 1000);
        for (var i = 1; i < tables.Count; i++)
        {
            Assert.True(tables[i - 1].ApproximateBytes <= tables[i].ApproximateBytes);
        }
    }

    [Fact]
    public async Task Blocked_schemas_tables_and_columns_are_left_out()
    {
        var db = await DatabaseAsync();
        var filter = DiscoveryFilter.FromNames(
            includeSchemas: [db.Name],
            excludeTables: [db.Name + ".big"],
            excludeColumns: [db.Name + ".typed.secret", db.Name + ".typed.J"]);
        var tables = await DiscoverAsync(server.ReplicationConnectionString(), filter);

        Assert.DoesNotContain(tables, t => t.Id.Name == "big");
        var typed = Assert.Single(tables, t => t.Id.Name == "typed");
        Assert.Null(typed.Column("secret"));
        Assert.Null(typed.Column("j"));
        Assert.Equal(7, typed.Columns.Count);

        var none = await DiscoverAsync(server.ReplicationConnectionString(),
            DiscoveryFilter.FromNames(includeSchemas: [db.Name], excludeSchemas: [db.Name]));
        Assert.Empty(none);

        var only = await DiscoverAsync(server.ReplicationConnectionString(),
            DiscoveryFilter.FromNames(includeTables: [db.Name + ".no_pk"]));
        Assert.Equal("no_pk", Assert.Single(only).Id.Name);
    }

    [Fact]
    public async Task Excluding_a_primary_key_column_is_refused()
    {
        var db = await DatabaseAsync();
        var filter = DiscoveryFilter.FromNames(includeSchemas: [db.Name], excludeColumns: [db.Name + ".composite.a"]);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => DiscoverAsync(server.ReplicationConnectionString(), filter));
        Assert.Contains("composite.a", ex.Message);
    }

    [Fact]
    public async Task A_user_does_not_see_a_schema_it_has_no_grant_on()
    {
        var visible = await DatabaseAsync();
        var hidden = await server.CreateDatabaseAsync("discoveryhidden");
        await hidden.ExecuteAsync("CREATE TABLE secret_table (id INT PRIMARY KEY)");
        var user = "disc_" + Guid.NewGuid().ToString("N")[..8];
        const string password = "disc-pw-1";
        await server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; GRANT SELECT ON `{visible.Name}`.* TO '{user}'@'%'");
        try
        {
            var builder = new MySqlConnectionStringBuilder(server.RootConnectionString()) { UserID = user, Password = password };
            var tables = await DiscoverAsync(builder.ConnectionString, null);

            Assert.Contains(tables, t => t.Id.Schema == visible.Name);
            Assert.DoesNotContain(tables, t => t.Id.Schema == hidden.Name);
            Assert.All(tables, t => Assert.Equal(visible.Name, t.Id.Schema));

            var root = await DiscoverAsync(server.RootConnectionString(), null);
            Assert.Contains(root, t => t.Id.Schema == hidden.Name && t.Id.Name == "secret_table");
        }
        finally
        {
            await server.ExecuteAsync($"DROP USER '{user}'@'%'; DROP DATABASE `{hidden.Name}`");
        }
    }
}
