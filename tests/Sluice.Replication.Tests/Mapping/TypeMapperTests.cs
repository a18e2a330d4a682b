using MySqlConnector;
using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Mapping;

/// <summary>The type table, one row per line, checked on columns created in the real MariaDB.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class TypeMapperTests(MariaDbServer server)
{
    private async Task<(TestDatabase Db, SourceTable Table)> CreateAsync(string name, string definition, string? values)
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync($"CREATE OR REPLACE TABLE `{name}` (c {definition})");
        if (values is not null) await db.ExecuteAsync($"INSERT INTO `{name}` VALUES {values}");
        await using var connection = new MySqlConnection(server.ReplicationConnectionString());
        await connection.OpenAsync();
        var tables = await SchemaDiscovery.DiscoverAsync(connection, DiscoveryFilter.FromNames(includeTables: [db.Name + "." + name]));
        return (db, Assert.Single(tables));
    }

    [Theory]
    [InlineData("binary_", "BINARY(4)", null, "BINARY")]
    [InlineData("bigint_", "BIGINT", null, "LONG")]
    [InlineData("bit1", "BIT(1)", null, "BOOLEAN")]
    [InlineData("bit_", "BIT", null, "BOOLEAN")]
    [InlineData("bit12", "BIT(12)", null, "BINARY")] // outside the product's type table: BIT(n>1) is BINARY (documented choice)
    [InlineData("blob_", "BLOB", null, "BINARY")]
    [InlineData("char_", "CHAR(3)", null, "STRING")]
    [InlineData("date_", "DATE", null, "DATE")]
    [InlineData("datetime_", "DATETIME(6)", null, "TIMESTAMP_NTZ")]
    [InlineData("decimal_", "DECIMAL(10,2)", null, "BIGDECIMAL(10,2)")]
    [InlineData("numeric_", "NUMERIC(65,30)", null, "BIGDECIMAL(65,30)")]
    [InlineData("double_", "DOUBLE", null, "DOUBLE")]
    [InlineData("enum_", "ENUM('a','b')", null, "STRING")]
    [InlineData("float_", "FLOAT", null, "DOUBLE")]
    [InlineData("geometry_", "GEOMETRY", null, "JSON")]
    [InlineData("geometrycollection_", "GEOMETRYCOLLECTION", null, "JSON")]
    [InlineData("json_", "JSON", null, "JSON")]
    [InlineData("int_", "INT", null, "INTEGER")]
    [InlineData("linestring_", "LINESTRING", null, "JSON")]
    [InlineData("longblob_", "LONGBLOB", null, "BINARY")]
    [InlineData("longtext_", "LONGTEXT", null, "STRING")]
    [InlineData("mediumblob_", "MEDIUMBLOB", null, "BINARY")]
    [InlineData("mediumint_", "MEDIUMINT", null, "INTEGER")]
    [InlineData("mediumint_u", "MEDIUMINT UNSIGNED", null, "INTEGER")]
    [InlineData("mediumtext_", "MEDIUMTEXT", null, "STRING")]
    [InlineData("multilinestring_", "MULTILINESTRING", null, "JSON")]
    [InlineData("multipoint_", "MULTIPOINT", null, "JSON")]
    [InlineData("multipolygon_", "MULTIPOLYGON", null, "JSON")]
    [InlineData("point_", "POINT", null, "JSON")]
    [InlineData("polygon_", "POLYGON", null, "JSON")]
    [InlineData("set_", "SET('x','y')", null, "JSON")]
    [InlineData("smallint_", "SMALLINT", null, "INTEGER")]
    [InlineData("text_", "TEXT", null, "STRING")]
    [InlineData("time_", "TIME(3)", null, "STRING")]
    [InlineData("timestamp_", "TIMESTAMP NULL", null, "TIMESTAMP")]
    [InlineData("tinyblob_", "TINYBLOB", null, "BINARY")]
    [InlineData("tinyint1_bool", "TINYINT(1)", "(0),(1),(NULL),(1)", "BOOLEAN")]
    [InlineData("tinyint1_empty", "TINYINT(1)", null, "BOOLEAN")]
    [InlineData("tinyint1_u_bool", "TINYINT(1) UNSIGNED", "(1)", "BOOLEAN")]
    [InlineData("tinyint1_int", "TINYINT(1)", "(0),(1),(2)", "INTEGER")]
    [InlineData("tinyint1_neg", "TINYINT(1)", "(-1)", "INTEGER")]
    [InlineData("tinyint_01", "TINYINT", "(0),(1)", "INTEGER")]
    [InlineData("tinyint2_01", "TINYINT(2)", "(0),(1)", "INTEGER")]
    [InlineData("tinyint_u", "TINYINT UNSIGNED", null, "INTEGER")]
    [InlineData("tinytext_", "TINYTEXT", null, "STRING")]
    [InlineData("bigint_u", "BIGINT UNSIGNED", null, "BIGDECIMAL(20,0)")]
    [InlineData("int_u", "INT UNSIGNED", null, "LONG")]
    [InlineData("smallint_u", "SMALLINT UNSIGNED", null, "INTEGER")]
    [InlineData("varchar_", "VARCHAR(10)", null, "STRING")]
    [InlineData("varbinary_", "VARBINARY(10)", null, "BINARY")]
    [InlineData("year_", "YEAR", null, "INTEGER")]
    [InlineData("uuid_", "UUID", null, "skip")] // MariaDB-only type, outside the type table
    [InlineData("inet6_", "INET6", null, "skip")]
    public async Task Maps_each_spec_type(string table, string definition, string? values, string expected)
    {
        var (_, source) = await CreateAsync(table, definition, values);
        await using var connection = new MySqlConnection(server.ReplicationConnectionString());
        await connection.OpenAsync();
        var booleans = await TypeMapper.ObserveBooleanTinyIntsAsync(connection, source);

        var mapping = TypeMapper.MapTable(source, booleans);
        var column = Assert.Single(mapping.Columns);
        Assert.Equal(expected, column.Type?.ToString() ?? "skip");
        if (column.IsSkipped)
        {
            Assert.Empty(mapping.Destination.Columns);
            Assert.Contains(definition.ToLowerInvariant(), column.SkipReason);
        }
    }

    [Fact]
    public void Boolean_check_query_counts_values_other_than_0_and_1_of_every_column_in_one_scan()
    {
        var flag = new SourceColumn("the `flag`", 1, "tinyint", "tinyint(1)", true, null, null, 3, 0, 0, [], 0);
        var other = new SourceColumn("b", 2, "tinyint", "tinyint(1)", true, null, null, 3, 0, 0, [], 0);
        Assert.Equal("SELECT SUM(`the ``flag``` NOT IN (0,1)), SUM(`b` NOT IN (0,1)) FROM `s`.`t`",
            TypeMapper.BooleanCheckSql(new TableId("s", "t"), [flag, other]));
    }

    [Fact]
    public async Task Tinyint1_columns_of_one_table_are_observed_together()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("""
            CREATE OR REPLACE TABLE two_flags (a TINYINT(1), b TINYINT(1), c TINYINT(1) UNSIGNED, d TINYINT(2), n TINYINT(1));
            INSERT INTO two_flags VALUES (0, 0, 1, 0, NULL), (1, 2, 0, 1, NULL), (NULL, 1, 1, 0, NULL);
            CREATE OR REPLACE TABLE no_rows (a TINYINT(1));
            """);
        await using var connection = new MySqlConnection(server.ReplicationConnectionString());
        await connection.OpenAsync();
        var tables = await SchemaDiscovery.DiscoverAsync(connection,
            DiscoveryFilter.FromNames(includeTables: [db.Name + ".two_flags", db.Name + ".no_rows"]));
        var twoFlags = tables.Single(t => t.Id.Name == "two_flags");
        Assert.Equal(["a", "c", "n"], (await TypeMapper.ObserveBooleanTinyIntsAsync(connection, twoFlags)).Order());
        Assert.Equal(["a"], await TypeMapper.ObserveBooleanTinyIntsAsync(connection, tables.Single(t => t.Id.Name == "no_rows")));
    }

    [Fact]
    public async Task An_unsupported_charset_names_table_column_and_charset()
    {
        var (db, source) = await CreateAsync("armscii", "VARCHAR(5) CHARACTER SET armscii8", null);
        var ex = Assert.Throws<UnsupportedCharsetException>(() => TypeMapper.MapTable(source));
        Assert.Equal("armscii8", ex.Charset);
        Assert.Equal("c", ex.Column);
        Assert.Contains($"{db.Name}.armscii", ex.Message);
        Assert.Contains("column c", ex.Message);
        Assert.Contains("'armscii8'", ex.Message);
    }

    [Fact]
    public async Task Utf8_alias_and_binary_columns_are_supported_charsets()
    {
        Assert.True(SupportedCharsets.IsSupported("utf8"));
        Assert.True(SupportedCharsets.IsSupported(null));
        var (_, source) = await CreateAsync("utf8mb3_", "VARCHAR(5) CHARACTER SET utf8mb3", null);
        Assert.Equal("utf8mb3", source.Columns[0].CharacterSet);
        Assert.Equal(DestinationType.String, TypeMapper.MapTable(source).Columns[0].Type);
    }

    [Fact]
    public async Task Unsigned_mediumint_maximum_fits_integer()
    {
        var (db, _) = await CreateAsync("mediumint_max", "MEDIUMINT UNSIGNED", "(16777215)");
        var max = Convert.ToInt64(await db.ScalarAsync("SELECT MAX(c) FROM mediumint_max"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(max <= int.MaxValue);
    }

    [Fact]
    public void A_skipped_primary_key_column_is_an_error()
    {
        var key = new SourceColumn("id", 1, "uuid", "uuid", false, null, null, null, null, 0, [], 1);
        var table = new SourceTable(new TableId("s", "t"), [key], ["id"], 0, 0, "InnoDB");
        var ex = Assert.Throws<NotSupportedException>(() => TypeMapper.MapTable(table));
        Assert.Contains("primary key column id", ex.Message);
    }

    [Theory]
    [InlineData(DestinationTypeKind.Boolean, 0, 0, "BOOLEAN")]
    [InlineData(DestinationTypeKind.Integer, 0, 0, "INTEGER")]
    [InlineData(DestinationTypeKind.Long, 0, 0, "BIGINT")]
    [InlineData(DestinationTypeKind.BigDecimal, 10, 2, "DECIMAL(10,2)")]
    [InlineData(DestinationTypeKind.BigDecimal, 38, 10, "DECIMAL(38,10)")]
    [InlineData(DestinationTypeKind.BigDecimal, 39, 0, "VARCHAR")]
    [InlineData(DestinationTypeKind.BigDecimal, 65, 30, "VARCHAR")]
    [InlineData(DestinationTypeKind.Double, 0, 0, "DOUBLE")]
    [InlineData(DestinationTypeKind.String, 0, 0, "VARCHAR")]
    [InlineData(DestinationTypeKind.Binary, 0, 0, "BLOB")]
    [InlineData(DestinationTypeKind.Date, 0, 0, "DATE")]
    [InlineData(DestinationTypeKind.TimestampNtz, 0, 0, "TIMESTAMP")]
    [InlineData(DestinationTypeKind.Timestamp, 0, 0, "TIMESTAMPTZ")]
    [InlineData(DestinationTypeKind.Json, 0, 0, "JSON")]
    public void DuckDb_physical_types(DestinationTypeKind kind, int precision, int scale, string expected) =>
        Assert.Equal(expected, DuckDbTypes.Physical(new DestinationType(kind, precision, scale)));
}
