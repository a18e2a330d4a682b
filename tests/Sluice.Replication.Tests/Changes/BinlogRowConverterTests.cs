using MySqlConnector;
using Sluice.Replication.Changes;
using Sluice.Replication.Destinations;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Changes;

/// <summary>Shape checks, BOOLEAN violations, row image modes and binlog metadata levels, against the live MariaDB.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogRowConverterTests(MariaDbServer server)
{
    private Task<TestDatabase> DbAsync() => server.DatabaseForAsync(GetType());

    private async Task<List<Sluice.Binlog.Events.RowsEvent>> StreamAsync(TestDatabase db, Sluice.Binlog.Client.BinlogPosition start, string table) =>
        await BinlogChanges.RowsEventsAsync(server, start, db.Name, table);

    [Theory]
    [InlineData("shape_add_first", "ALTER TABLE {0} ADD COLUMN first_col INT FIRST", "column 1 is named first_col in the binlog, id in the mapping")]
    [InlineData("shape_drop", "ALTER TABLE {0} DROP COLUMN n", "the binlog has 3 columns, the mapping expects at least 4")]
    [InlineData("shape_move", "ALTER TABLE {0} MODIFY v INT AFTER n", "column 2 is named n in the binlog, v in the mapping")]
    [InlineData("shape_bigint", "ALTER TABLE {0} MODIFY v BIGINT", "column v (int(11)): the binlog type is LongLong")]
    [InlineData("shape_unsigned", "ALTER TABLE {0} MODIFY v INT UNSIGNED", "column v (int(11)): the binlog says unsigned")]
    [InlineData("shape_decimal", "ALTER TABLE {0} MODIFY n DECIMAL(12,4)", "column n (decimal(10,2)): the binlog has DECIMAL(12,4)")]
    [InlineData("shape_rename", "ALTER TABLE {0} RENAME COLUMN v TO w", "column 2 is named w in the binlog, v in the mapping")]
    [InlineData("shape_enum", "ALTER TABLE {0} MODIFY e ENUM('x','y','z')", "column e (enum('x','y')): the binlog lists 3 members, the mapping 2")]
    public async Task A_table_that_changed_shape_is_reported(string table, string alter, string reason)
    {
        var db = await DbAsync();
        await db.ExecuteAsync($"CREATE TABLE {table} (id INT PRIMARY KEY, v INT, n DECIMAL(10,2), e ENUM('x','y'))");
        var mapping = await BinlogChanges.MapAsync(db, table);
        await db.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, alter, table));
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync($"INSERT INTO {table} (id) VALUES (1)");
        var events = await StreamAsync(db, start, table);

        var converter = new BinlogRowConverter(mapping);
        var ex = Assert.Throws<TableShapeChanged>(() => converter.ToRowChanges(Assert.Single(events)));
        Assert.Equal(new TableId(db.Name, table), ex.Table);
        Assert.Equal(reason, ex.Reason);
        Assert.Contains(table, ex.Message);
        Assert.Equal(reason, converter.DescribeMismatch(events[0].Table!));
    }

    [Fact]
    public async Task Blocked_columns_are_skipped_by_ordinal_with_or_without_the_column_count()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE blocked (id INT PRIMARY KEY, secret VARCHAR(10), v VARCHAR(10), tail_secret INT)");
        var filter = DiscoveryFilter.FromNames(includeTables: [db.Name + ".blocked"],
            excludeColumns: [db.Name + ".blocked.secret", db.Name + ".blocked.tail_secret"]);
        var mapping = await BinlogChanges.MapAsync(db, "blocked", filter);
        Assert.Equal(["id", "v"], mapping.Destination.Columns.Select(c => c.Name));
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("INSERT INTO blocked VALUES (1, 'hidden', 'shown', 7)");
        var events = await StreamAsync(db, start, "blocked");

        var change = Assert.Single(BinlogChanges.Convert(mapping, events, sourceColumnCount: 4));
        Assert.Equal([1L, "shown"], change.Row);
        // Without the count, the trailing blocked column is one more binlog column past the mapped ones: ignored.
        Assert.Equal([1L, "shown"], Assert.Single(BinlogChanges.Convert(mapping, events)).Row);
        // A count below the columns the binlog carries is a column dropped since.
        var ex = Assert.Throws<TableShapeChanged>(() => BinlogChanges.Convert(mapping, events, sourceColumnCount: 5));
        Assert.Equal("the binlog has 4 columns, the mapping expects at least 5", ex.Reason);
    }

    [Fact]
    public async Task A_trailing_column_added_after_the_mapping_is_ignored()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE shape_add (id INT PRIMARY KEY, v INT)");
        var mapping = await BinlogChanges.MapAsync(db, "shape_add");
        await db.ExecuteAsync("ALTER TABLE shape_add ADD COLUMN extra INT");
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("INSERT INTO shape_add VALUES (1, 2, 3)");

        var change = Assert.Single(BinlogChanges.Convert(mapping, await StreamAsync(db, start, "shape_add")));
        Assert.Equal([1L, 2L], change.Row);
    }

    [Fact]
    public async Task Columns_hidden_by_column_grants_are_dropped_by_ordinal()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE hidden (a INT PRIMARY KEY, secret VARCHAR(20) CHARACTER SET latin1, c VARCHAR(20) CHARACTER SET latin1,
                                 d BINARY(3), tail_secret INT UNSIGNED)
            """);
        var user = "hid_" + Guid.NewGuid().ToString("N")[..8];
        const string password = "Hidden-pw-1";
        await server.ExecuteAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; " +
                                  $"GRANT SELECT (a, c, d) ON `{db.Name}`.hidden TO '{user}'@'%'");
        var connectionString = new MySqlConnectionStringBuilder(db.ReplicationConnectionString) { UserID = user, Password = password }.ConnectionString;
        TableMapping mapping;
        await using (var connection = await SourceConnections.OpenAsync(connectionString))
        {
            var source = Assert.Single(await SchemaDiscovery.DiscoverAsync(connection, DiscoveryFilter.FromNames(includeTables: [db.Name + ".hidden"])));
            Assert.Equal([("a", 1), ("c", 3), ("d", 4)], source.Columns.Select(c => (c.Name, c.Ordinal)));
            mapping = TypeMapper.MapTable(source, new HashSet<string>());
        }
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("""
            INSERT INTO hidden VALUES (1, 'no', 'Café €', 0x01, 4294967295), (2, 'nope', NULL, NULL, 0);
            UPDATE hidden SET c = 'ÿ', secret = 'x', d = 0x0203 WHERE a = 1;
            UPDATE hidden SET tail_secret = 7 WHERE a = 2;
            DELETE FROM hidden WHERE a = 2;
            """);
        var events = await StreamAsync(db, start, "hidden");

        var converter = new BinlogRowConverter(mapping);
        var changes = events.SelectMany(converter.ToRowChanges).ToList();
        Assert.Equal([RowChangeKind.Upsert, RowChangeKind.Upsert, RowChangeKind.Update, RowChangeKind.Update, RowChangeKind.Delete],
            changes.Select(c => c.Kind));
        Assert.Equal([1L, "Café €", new byte[] { 1, 0, 0 }], changes[0].Row);
        Assert.Equal([2L, null, null], changes[1].Row);
        Assert.Equal([1L, "Café €", new byte[] { 1, 0, 0 }], changes[2].Before!);
        Assert.Equal([1L, "ÿ", new byte[] { 2, 3, 0 }], changes[2].Row);
        Assert.Equal([2L, null, null], changes[3].Before!);
        Assert.Equal([2L, null, null], changes[3].Row);
        Assert.Equal([2L, null, null], changes[4].Row);
        Assert.Null(converter.DescribeMismatch(events[0].Table!));
    }

    [Fact]
    public async Task Stamped_changes_carry_the_event_time_and_a_running_sequence()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE stamps (id INT PRIMARY KEY, v INT)");
        var mapping = await BinlogChanges.MapAsync(db, "stamps");
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("INSERT INTO stamps VALUES (1, 10), (2, 20)");
        var events = await StreamAsync(db, start, "stamps");

        var changes = new BinlogRowConverter(mapping).ToStampedRowChanges(Assert.Single(events), firstSequence: 5);
        Assert.Equal([[1L, 10L], [2L, 20L]], changes.Select(c => c.Row));
        Assert.Equal([5L, 6L], changes.Select(c => c.Sequence));
        var expected = DateTimeOffset.FromUnixTimeSeconds(events[0].Header.Timestamp);
        Assert.All(changes, c => Assert.Equal(expected, c.EventTime));
        Assert.InRange(expected, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public async Task A_boolean_tinyint_receiving_another_value_is_reported()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE flags (id INT PRIMARY KEY, flag TINYINT(1), other TINYINT(1)); INSERT INTO flags VALUES (1, 1, 0)");
        var mapping = await BinlogChanges.MapAsync(db, "flags");
        Assert.Equal(DestinationType.Boolean, mapping.Destination.Columns[1].Type);
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("INSERT INTO flags VALUES (2, 0, 1), (3, NULL, NULL)");
        await db.ExecuteAsync("INSERT INTO flags VALUES (4, 2, 0)");
        var events = await StreamAsync(db, start, "flags");
        Assert.Equal(2, events.Count);

        var converter = new BinlogRowConverter(mapping);
        Assert.Equal([[2L, false, true], [3L, null, null]], converter.ToRowChanges(events[0]).Select(c => c.Row));
        var ex = Assert.Throws<BooleanColumnViolation>(() => converter.ToRowChanges(events[1]));
        Assert.Equal(new TableId(db.Name, "flags"), ex.Table);
        Assert.Equal("flag", ex.Column);
        Assert.Equal(2L, ex.Value);
        Assert.Contains("flag", ex.Message);
    }

    [Fact]
    public async Task Minimal_row_images_delete_by_key_and_refuse_partial_rows()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE minimal (id INT PRIMARY KEY, v VARCHAR(10), n INT); INSERT INTO minimal VALUES (1, 'a', 1), (2, 'b', 2)");
        await db.ExecuteAsync("CREATE TABLE minimal_nopk (v VARCHAR(10), n INT); INSERT INTO minimal_nopk VALUES ('a', 1)");
        var mapping = await BinlogChanges.MapAsync(db, "minimal");
        var noPk = await BinlogChanges.MapAsync(db, "minimal_nopk");
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("SET SESSION binlog_row_image = 'MINIMAL'; DELETE FROM minimal WHERE id = 1; UPDATE minimal SET n = 3 WHERE id = 2");
        var events = await StreamAsync(db, start, "minimal");

        var converter = new BinlogRowConverter(mapping);
        var delete = Assert.Single(converter.ToRowChanges(events[0]));
        Assert.Equal(RowChangeKind.DeleteByKey, delete.Kind);
        Assert.Equal([1L, null, null], delete.Row);
        var ex = Assert.Throws<IncompleteRowImage>(() => converter.ToRowChanges(events[1]));
        Assert.Equal("v", ex.Column);

        // MINIMAL without a primary key logs the full before image: a full-row delete.
        start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("SET SESSION binlog_row_image = 'MINIMAL'; DELETE FROM minimal_nopk");
        var change = Assert.Single(BinlogChanges.Convert(noPk, await StreamAsync(db, start, "minimal_nopk")));
        Assert.Equal(RowChangeKind.Delete, change.Kind);
        Assert.Equal(["a", 1L], change.Row);
    }

    [Fact]
    public async Task Without_optional_metadata_labels_signedness_and_text_come_from_the_mapping()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE no_metadata (id INT PRIMARY KEY, tiu TINYINT UNSIGNED, siu SMALLINT UNSIGNED, miu MEDIUMINT UNSIGNED,
              iu INT UNSIGNED, biu BIGINT UNSIGNED, e ENUM('small','médium','large'), s SET('a','b','ç'),
              tx TEXT CHARACTER SET latin1, tu TEXT, vc VARCHAR(20), j JSON, b BIT(1), flag TINYINT(1))
            """);
        var original = (string)(await server.ScalarAsync("SELECT @@GLOBAL.binlog_row_metadata"))!;
        Sluice.Binlog.Client.BinlogPosition start;
        try
        {
            await server.ExecuteAsync("SET GLOBAL binlog_row_metadata = 'NO_LOG'");
            start = await BinlogChanges.PositionAsync(server);
            await db.ExecuteAsync("""
                SET SESSION sql_mode = '';
                INSERT INTO no_metadata VALUES
                  (1, 255, 65535, 16777215, 4294967295, 18446744073709551615, 'médium', 'a,ç', 'Café € ÿ', 'Emoji 😀', 'ünï', '{"a": "ç"}', b'1', 1),
                  (2, 128, 32768, 8388608, 2147483648, 9223372036854775808, '', '', '', '', '', '[]', b'0', 0),
                  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
                """);
        }
        finally
        {
            await server.ExecuteAsync($"SET GLOBAL binlog_row_metadata = '{original}'");
        }
        var mapping = await BinlogChanges.MapAsync(db, "no_metadata");
        var events = await StreamAsync(db, start, "no_metadata");
        Assert.Null(events[0].Table!.OptionalMetadata.Signedness);

        var snapshot = await BinlogChanges.SnapshotAsync(db, mapping);
        var changes = BinlogChanges.Convert(mapping, events);
        Assert.Equal(3, changes.Count);
        foreach (var change in changes)
        {
            var key = BinlogChanges.Key(change.Row);
            BinlogChanges.AssertSameRow(mapping.Destination, snapshot[key], change.Row, $"row {key}");
        }
        Assert.Equal(18446744073709551615m, changes[0].Row[5]);
        Assert.Equal("médium", changes[0].Row[6]);
        Assert.Equal("""["a","ç"]""", changes[0].Row[7]);
        Assert.Equal("Café € ÿ", changes[0].Row[8]);
    }

    [Fact]
    public async Task Converting_checks_the_table()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE one (id INT PRIMARY KEY); CREATE TABLE two (id INT PRIMARY KEY)");
        var mapping = await BinlogChanges.MapAsync(db, "one");
        var start = await BinlogChanges.PositionAsync(server);
        await db.ExecuteAsync("INSERT INTO two VALUES (1)");
        var events = await StreamAsync(db, start, "two");

        var converter = new BinlogRowConverter(mapping);
        Assert.False(converter.IsFor(events[0].Table!));
        Assert.Throws<ArgumentException>(() => converter.ToRowChanges(events[0]));
        Assert.Equal(new TableId(db.Name, "one"), converter.Table);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BinlogRowConverter(mapping, sourceColumnCount: -1));
    }

    [Fact]
    public async Task Inserts_updates_and_deletes_of_a_table_without_primary_key()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("CREATE TABLE nopk (v VARCHAR(10), n INT)");
        var mapping = await BinlogChanges.MapAsync(db, "nopk");
        var start = await BinlogChanges.PositionAsync(server);
        await using (var connection = new MySqlConnection(db.RootConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand(
                "INSERT INTO nopk VALUES ('a', 1), ('a', 1); UPDATE nopk SET n = 2 LIMIT 1; DELETE FROM nopk WHERE n = 1", connection);
            await command.ExecuteNonQueryAsync();
        }
        var changes = BinlogChanges.Convert(mapping, await StreamAsync(db, start, "nopk"));
        Assert.Equal([RowChangeKind.Upsert, RowChangeKind.Upsert, RowChangeKind.Update, RowChangeKind.Delete], changes.Select(c => c.Kind));
        Assert.Equal(["a", 1L], changes[2].Before);
        Assert.Equal(["a", 2L], changes[2].Row);
        Assert.Equal(["a", 1L], changes[3].Row);
    }
}
