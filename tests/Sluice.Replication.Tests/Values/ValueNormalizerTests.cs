using Sluice.Replication.Destinations;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Values;

/// <summary>Edge values read from the real MariaDB through MySqlConnector into the canonical model.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class ValueNormalizerTests(MariaDbServer server)
{
    private Task<TestDatabase> DbAsync() => server.DatabaseForAsync(GetType());

    [Fact]
    public async Task Zero_and_invalid_dates_outside_the_key_become_null()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            SET SESSION sql_mode = 'ALLOW_INVALID_DATES';
            CREATE TABLE zero_values (id INT PRIMARY KEY, d DATE, dt DATETIME(6), ts TIMESTAMP NULL);
            INSERT INTO zero_values VALUES
              (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
              (2, '2021-02-30', '2021-00-10 10:00:00', NULL),
              (3, '2021-03-04', '2021-03-04 05:06:07.123456', '2021-03-04 05:06:07'),
              (4, NULL, NULL, NULL);
            """);
        var (_, rows) = await SourceRows.ReadAsync(db, "zero_values", "id");

        Assert.Equal([1L, null, null, null], rows[0]);
        Assert.Equal([2L, null, null, null], rows[1]);
        Assert.Equal(new DateOnly(2021, 3, 4), rows[2][1]);
        var dt = Assert.IsType<DateTime>(rows[2][2]);
        Assert.Equal(new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Unspecified).AddTicks(1234560), dt);
        Assert.Equal(DateTimeKind.Unspecified, dt.Kind);
        var ts = Assert.IsType<DateTime>(rows[2][3]);
        Assert.Equal(DateTimeKind.Utc, ts.Kind);
        Assert.Equal(new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc), ts);
        Assert.Equal([4L, null, null, null], rows[3]);
    }

    [Fact]
    public async Task Zero_dates_in_the_primary_key_become_the_epoch()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            SET SESSION sql_mode = '';
            CREATE TABLE zero_keys (d DATE NOT NULL, dt DATETIME NOT NULL, ts TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00',
                                    v INT, PRIMARY KEY (d, dt, ts));
            INSERT INTO zero_keys VALUES ('0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 1);
            """);
        var (_, rows) = await SourceRows.ReadAsync(db, "zero_keys");

        var row = Assert.Single(rows);
        Assert.Equal(new DateOnly(1970, 1, 1), row[0]);
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), row[1]);
        Assert.Equal(DateTimeKind.Unspecified, ((DateTime)row[1]!).Kind);
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), row[2]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)row[2]!).Kind);
    }

    [Fact]
    public async Task Timestamps_read_as_utc_whatever_the_server_time_zone()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            SET SESSION time_zone = '+05:00';
            CREATE TABLE tz (id INT PRIMARY KEY, ts TIMESTAMP(3) NULL);
            INSERT INTO tz VALUES (1, '2024-06-01 12:00:00.250');
            """);
        var (_, rows) = await SourceRows.ReadAsync(db, "tz");
        Assert.Equal(new DateTime(2024, 6, 1, 7, 0, 0, 250, DateTimeKind.Utc), Assert.Single(rows)[1]);
    }

    [Fact]
    public async Task Time_values_keep_sign_hours_beyond_24_and_the_column_fraction()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE times (id INT PRIMARY KEY, t0 TIME, t3 TIME(3), t6 TIME(6));
            INSERT INTO times VALUES
              (1, '-838:59:59', '838:59:59.999', '-00:00:00.000001'),
              (2, '25:00:01', '-01:02:03.5', '100:00:00.123456'),
              (3, '00:00:00', '00:00:00', '00:00:00');
            """);
        var (_, rows) = await SourceRows.ReadAsync(db, "times", "id");

        Assert.Equal(["-838:59:59", "838:59:59.999", "-00:00:00.000001"], rows[0][1..]);
        Assert.Equal(["25:00:01", "-01:02:03.500", "100:00:00.123456"], rows[1][1..]);
        Assert.Equal(["00:00:00", "00:00:00.000", "00:00:00.000000"], rows[2][1..]);
    }

    [Fact]
    public async Task Integers_decimals_and_floats_are_exact()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE numbers (id INT PRIMARY KEY, u BIGINT UNSIGNED, big DECIMAL(65,30), small DECIMAL(10,2),
                                  f FLOAT, d DOUBLE, ui INT UNSIGNED, mi MEDIUMINT UNSIGNED, y YEAR, b TINYINT(1));
            INSERT INTO numbers VALUES
              (1, 18446744073709551615, '-12345678901234567890123456789012345.123456789012345678901234567891',
               '-1.50', 1.1, 0.1, 4294967295, 16777215, 2155, 1),
              (2, 0, '0.000000000000000000000000000001', '0.00', -3.4e38, 1e308, 0, 0, 0, 0);
            """);
        var (table, rows) = await SourceRows.ReadAsync(db, "numbers", "id");

        Assert.Equal(DestinationType.BigDecimal(20, 0), table.Columns[1].Type);
        Assert.Equal(18446744073709551615m, rows[0][1]);
        Assert.Equal("-12345678901234567890123456789012345.123456789012345678901234567891", rows[0][2]);
        Assert.Equal(-1.50m, rows[0][3]);
        Assert.Equal("-1.50", CanonicalValues.BigDecimalText(rows[0][3]!));
        Assert.Equal(1.1, rows[0][4]);
        Assert.Equal(0.1, rows[0][5]);
        Assert.Equal(4294967295L, rows[0][6]);
        Assert.Equal(16777215L, rows[0][7]);
        Assert.Equal(2155L, rows[0][8]);
        Assert.Equal(true, rows[0][9]);

        Assert.Equal(0m, rows[1][1]);
        Assert.Equal("0.000000000000000000000000000001", rows[1][2]);
        Assert.Equal("0.00", CanonicalValues.BigDecimalText(rows[1][3]!));
        Assert.Equal(-3.4e38, rows[1][4]);
        Assert.Equal(1e308, rows[1][5]);
        Assert.Equal(false, rows[1][9]);
    }

    [Fact]
    public async Task Sets_enums_bits_and_json()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE labels (id INT PRIMARY KEY, s SET('a','b c','d"q'), e ENUM('x','y'), b1 BIT(1), b12 BIT(12), j JSON);
            INSERT INTO labels VALUES
              (1, 'a,d"q', 'y', b'1', b'101000000001', '{"k": [1, "v"]}'),
              (2, '', 'x', b'0', b'0', '[]'),
              (3, 'b c', NULL, NULL, NULL, NULL);
            """);
        var (table, rows) = await SourceRows.ReadAsync(db, "labels", "id");

        Assert.Equal(DestinationType.Json, table.Columns[1].Type);
        Assert.Equal("""["a","d\"q"]""", rows[0][1]);
        Assert.Equal("y", rows[0][2]);
        Assert.Equal(true, rows[0][3]);
        Assert.Equal(new byte[] { 0x0A, 0x01 }, rows[0][4]);
        Assert.Equal("""{"k": [1, "v"]}""", rows[0][5]);
        Assert.Equal(DestinationType.Json, table.Columns[5].Type);

        Assert.Equal("[]", rows[1][1]);
        Assert.Equal(false, rows[1][3]);
        Assert.Equal(new byte[] { 0, 0 }, rows[1][4]);

        Assert.Equal("""["b c"]""", rows[2][1]);
        Assert.Null(rows[2][2]);
    }

    [Fact]
    public async Task Geometry_becomes_geojson()
    {
        var db = await DbAsync();
        await db.ExecuteAsync("""
            CREATE TABLE shapes (id INT PRIMARY KEY, g GEOMETRY);
            INSERT INTO shapes VALUES
              (1, ST_GeomFromText('POINT(1.5 -2)', 4326)),
              (2, ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0.25)')),
              (3, ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 0), (1 1, 2 1, 2 2, 1 1))')),
              (4, ST_GeomFromText('MULTIPOINT(1 2, 3 4)')),
              (5, ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))')),
              (6, ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))')),
              (7, ST_GeomFromText('MULTILINESTRING((0 0, 1 1), (2 2, 3 3))'));
            """);
        var (_, rows) = await SourceRows.ReadAsync(db, "shapes", "id");

        Assert.Equal("""{"type":"Point","coordinates":[1.5,-2]}""", rows[0][1]);
        Assert.Equal("""{"type":"LineString","coordinates":[[0,0],[1,1],[2,0.25]]}""", rows[1][1]);
        Assert.Equal("""{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]}""", rows[2][1]);
        Assert.Equal("""{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}""", rows[3][1]);
        Assert.Equal("""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[0,0],[1,1]]}]}""", rows[4][1]);
        Assert.Equal("""{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}""", rows[5][1]);
        Assert.Equal("""{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}""", rows[6][1]);
    }

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(3, "-01:00:00.000")]
    [InlineData(6, "-01:00:00.000000")]
    public void Time_formatting(int digits, string expected)
    {
        var time = digits == 0 ? TimeSpan.Zero : TimeSpan.FromHours(-1);
        Assert.Equal(expected, ValueNormalizer.FormatTime(time, digits));
    }

    [Fact]
    public void A_value_that_does_not_fit_names_the_column()
    {
        var column = new DestinationColumn("qty", DestinationType.Integer);
        var ex = Assert.Throws<FormatException>(() => ValueNormalizer.Normalize(ulong.MaxValue, column));
        Assert.Contains("qty", ex.Message);
    }
}
