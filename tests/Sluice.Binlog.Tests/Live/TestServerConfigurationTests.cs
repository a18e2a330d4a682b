using MySqlConnector;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Live;

/// <summary>The test server is what every live test assumes: ROW binlog with full images and strict GTIDs.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class TestServerConfigurationTests(MariaDbServer server)
{
    [Theory]
    [InlineData("log_bin", "ON")]
    [InlineData("binlog_format", "ROW")]
    [InlineData("binlog_row_image", "FULL")]
    [InlineData("binlog_row_metadata", "FULL")]
    [InlineData("gtid_strict_mode", "ON")]
    [InlineData("log_slave_updates", "ON")]
    [InlineData("binlog_checksum", "CRC32")]
    [InlineData("max_allowed_packet", "268435456")]
    [InlineData("have_ssl", "YES")]
    public async Task Server_variable_is_configured(string name, string expected)
    {
        await using var conn = new MySqlConnection(server.ReplicationConnectionString());
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand("SELECT @@GLOBAL." + name, conn);
        var value = Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        // MariaDB reports booleans as 1/0 through @@GLOBAL.
        var normalized = value switch { "1" when expected == "ON" => "ON", "0" when expected == "OFF" => "OFF", _ => value };
        Assert.Equal(expected, normalized);
    }

    [Fact]
    public async Task Server_listens_on_loopback_and_is_mariadb()
    {
        Assert.Equal("127.0.0.1", server.Host);
        var version = (string?)await server.ScalarAsync("SELECT VERSION()");
        Assert.Contains("MariaDB", version);
        var bind = (string?)await server.ScalarAsync("SELECT @@GLOBAL.bind_address");
        Assert.Equal("127.0.0.1", bind);
    }

    [Fact]
    public async Task Replication_user_has_the_least_privileges_it_needs()
    {
        await using var conn = new MySqlConnection(server.ReplicationConnectionString());
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand("SHOW GRANTS FOR CURRENT_USER()", conn);
        var grants = (string?)await cmd.ExecuteScalarAsync() ?? "";
        foreach (var privilege in new[] { "SELECT", "RELOAD", "SHOW DATABASES", "REPLICATION SLAVE", "BINLOG MONITOR" })
        {
            Assert.Contains(privilege, grants);
        }
        Assert.DoesNotContain("INSERT", grants);
        Assert.DoesNotContain("ALL PRIVILEGES", grants);
    }

    [Fact]
    public async Task Replication_user_cannot_write()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v VARCHAR(10))");
        await db.ExecuteAsync("INSERT INTO t VALUES (1, 'a') ON DUPLICATE KEY UPDATE v = 'a'");

        await using var conn = new MySqlConnection(db.ReplicationConnectionString);
        await conn.OpenAsync();
        foreach (var sql in new[]
                 {
                     "INSERT INTO t VALUES (2, 'b')",
                     "UPDATE t SET v = 'x' WHERE id = 1",
                     "DELETE FROM t",
                     "CREATE TABLE u (id INT)",
                     "DROP TABLE t",
                 })
        {
            await using var cmd = new MySqlCommand(sql, conn);
            var ex = await Assert.ThrowsAsync<MySqlException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Contains("denied", ex.Message, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(1L, Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM t")));
        Assert.Equal("a", await db.ScalarAsync("SELECT v FROM t WHERE id = 1"));
    }

    [Fact]
    public async Task Replication_user_can_read_the_binlog_position_and_gtid_state()
    {
        await using var conn = new MySqlConnection(server.ReplicationConnectionString());
        await conn.OpenAsync();
        await using (var cmd = new MySqlCommand("SHOW MASTER STATUS", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.StartsWith("mariadb-bin.", reader.GetString(0));
            Assert.True(reader.GetInt64(1) > 0);
        }
        await using (var cmd = new MySqlCommand("SELECT @@GLOBAL.gtid_binlog_pos", conn))
        {
            var pos = (string?)await cmd.ExecuteScalarAsync();
            Assert.NotNull(pos);
        }
    }

    [Fact]
    public async Task Each_test_class_gets_its_own_database()
    {
        var mine = await server.DatabaseForAsync(GetType());
        var again = await server.DatabaseForAsync(GetType());
        var other = await server.DatabaseForAsync(typeof(MariaDbCollection));
        Assert.Same(mine, again);
        Assert.NotEqual(mine.Name, other.Name);
        Assert.Equal(mine.Name, await mine.ScalarAsync("SELECT DATABASE()"));
    }
}
