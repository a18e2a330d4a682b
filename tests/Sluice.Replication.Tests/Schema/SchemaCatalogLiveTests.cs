using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Replication.Schema;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Schema;

/// <summary>
/// The main check of the applier: every statement is run on the live MariaDB and applied in memory, and after each one
/// the in-memory definitions must equal what information_schema shows, column by column.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class SchemaCatalogLiveTests(MariaDbServer server)
{
    [Fact]
    public async Task Ddl_applied_in_memory_matches_information_schema_after_every_statement()
    {
        var db = await server.DatabaseForAsync(GetType());
        var other = db.Name + "_o";
        string[] statements =
        [
            """
            CREATE TABLE `every` (
              id INT PRIMARY KEY AUTO_INCREMENT, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT(3) ZEROFILL,
              mi MEDIUMINT UNSIGNED, mis MEDIUMINT, bi BIGINT UNSIGNED NOT NULL, bs BIGINT, i INTEGER(5), b BOOLEAN, bt BIT(5), bt1 BIT,
              d DECIMAL(12,4), d0 DECIMAL, n NUMERIC(5) UNSIGNED, f FLOAT, f2 FLOAT(7,3), fp FLOAT(30), fs FLOAT(10),
              dbl DOUBLE PRECISION, r REAL, du DOUBLE UNSIGNED, c CHAR, c10 CHAR(10) CHARACTER SET latin1,
              vc VARCHAR(20) COLLATE utf8mb4_bin, vb VARBINARY(8), bn BINARY(4), bn1 BINARY, tt TINYTEXT,
              t TEXT CHARSET cp1251, mt MEDIUMTEXT, lt LONGTEXT, t300 TEXT(300), t100k TEXT(100000) CHARACTER SET latin1,
              tb TINYBLOB, bl BLOB, bl300 BLOB(300), mb MEDIUMBLOB, lb LONGBLOB, dt DATE, tm TIME(3), tm0 TIME,
              dtm DATETIME(6), ts TIMESTAMP(2) NULL DEFAULT NULL, y YEAR,
              e ENUM('a','it''s','back\\slash','trail  ', "dq") CHARACTER SET utf8 NOT NULL DEFAULT 'a',
              s SET('x','y z','') COLLATE latin1_bin, j JSON, g GEOMETRY, p POINT, ls LINESTRING, pg POLYGON,
              gc GEOMETRYCOLLECTION, u UUID, i6 INET6, i4 INET4,
              gen INT AS (ti * 2) VIRTUAL, gs BIGINT GENERATED ALWAYS AS (ti + 1) STORED,
              nv NATIONAL VARCHAR(5), nc NCHAR(2), vbin VARCHAR(5) BINARY, asc1 CHAR(2) ASCII,
              dflt VARCHAR(5) DEFAULT NULL COMMENT 'NOT NULL in a comment', neg INT DEFAULT -1 NOT NULL,
              dec1 DECIMAL(5,2) DEFAULT 1.5 NULL, upd DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='every type'
            """,
            "CREATE TABLE `Mixed` (`Key` INT NOT NULL, `a``b` VARCHAR(5), `sp ace` INT, PRIMARY KEY (`sp ace`, `Key`)) DEFAULT CHARACTER SET latin1 COLLATE latin1_general_ci",
            "CREATE TABLE `mixed` (id int, v VARCHAR(3) COLLATE latin1_german2_ci)",
            "CREATE TABLE /* a comment */ `v` (id BIGINT /*!50100 UNSIGNED */ NOT NULL, -- line comment\n name VARCHAR(10) # hash comment\n, KEY (name)) /*!50100 ENGINE=InnoDB */ CHARSET=ucs2",
            "alter table `every` add column added varchar(7) after ti, add x2 int first, drop column d0",
            "ALTER TABLE `every` MODIFY c10 VARCHAR(10) CHARACTER SET utf8mb4 NOT NULL, CHANGE f2 f3 DOUBLE, RENAME COLUMN vc TO vc2, ALTER COLUMN ti SET DEFAULT 5",
            "ALTER TABLE `every` ADD (p1 INT, p2 TEXT), ALGORITHM=COPY",
            "ALTER TABLE `every` MODIFY COLUMN x2 BIGINT UNSIGNED AFTER lb, CHANGE COLUMN `added` `Added2` CHAR(3) FIRST",
            "ALTER TABLE `Mixed` DROP PRIMARY KEY, ADD PRIMARY KEY (`Key`)",
            "CREATE TABLE conv (id INT PRIMARY KEY, t TEXT, tt TINYTEXT, mt MEDIUMTEXT, v VARCHAR(10), e ENUM('x'), b BLOB, c CHAR(2) CHARACTER SET ucs2) CHARSET latin1",
            "ALTER TABLE conv CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            "ALTER TABLE conv DEFAULT CHARACTER SET = greek, ADD g VARCHAR(3)",
            "ALTER TABLE conv CHARACTER SET hebrew COLLATE hebrew_bin, ADD h TEXT",
            "ALTER TABLE conv CONVERT TO CHARACTER SET latin1",
            $"ALTER DATABASE `{db.Name}` CHARACTER SET koi8r",
            "CREATE TABLE inh (v VARCHAR(3), e SET('a'), t TINYTEXT) COLLATE koi8r_bin",
            "CREATE TABLE inh2 (v VARCHAR(3), e SET('a'))",
            "RENAME TABLE `mixed` TO `mixed2`, v TO v2",
            "ALTER TABLE mixed2 RENAME TO mixed3, ADD COLUMN z INT NOT NULL",
            "CREATE TABLE likec LIKE `every`",
            "CREATE TABLE IF NOT EXISTS likec (other INT)",
            "DROP TABLE IF EXISTS likec, nothere",
            "TRUNCATE TABLE conv",
            "ALTER TABLE `every` DROP COLUMN id",
            "ALTER TABLE `every` ADD COLUMN id2 INT NOT NULL FIRST, ADD PRIMARY KEY (id2, bi)",
            "CREATE TABLE ser (s SERIAL, n NCHAR(3), l LONG, lvb LONG VARBINARY, i1 INT1, i8 INT8 UNSIGNED, dec1 DEC(5,2), fx FIXED(4,1), cv CHAR VARYING(4), mi MIDDLEINT)",
            "ALTER TABLE ser MODIFY n CHAR(3) CHARACTER SET binary, ADD KEY (i1), ENGINE=InnoDB",
            "CREATE TABLE gpk (a INT, b VARCHAR(3), c INT AS (a+1) PERSISTENT, PRIMARY KEY (b, a)) ENGINE=InnoDB",
            "ALTER TABLE gpk DROP PRIMARY KEY, DROP COLUMN b, ADD PRIMARY KEY (a)",
            "CREATE INDEX ia ON gpk (a)",
            "CREATE OR REPLACE TABLE gpk (k INT KEY, v TINYTEXT)",
            """
            CREATE TABLE cs (a VARCHAR(3) CHARSET ucs2, b VARCHAR(3) CHARSET utf16, c VARCHAR(3) CHARSET utf32,
              d VARCHAR(3) CHARSET big5, e VARCHAR(3) CHARSET gbk, f VARCHAR(3) CHARSET euckr, g VARCHAR(3) CHARSET tis620,
              h VARCHAR(3) CHARSET koi8r, i VARCHAR(3) CHARSET greek, j VARCHAR(3) CHARSET hebrew, k VARCHAR(3) CHARSET sjis,
              l VARCHAR(3) CHARSET cp1251, m VARCHAR(3) CHARSET latin2, n CHAR(3) CHARSET ascii, o TEXT CHARSET utf16le,
              p VARCHAR(3) CHARSET cp932, q VARCHAR(3) CHARSET eucjpms, r VARCHAR(3) CHARSET gb2312, s VARCHAR(3) CHARSET ujis,
              t VARCHAR(3) CHARSET binary, u VARCHAR(3) CHARSET utf8mb3 COLLATE utf8mb3_bin, v TEXT CHARSET ucs2,
              w TINYTEXT CHARSET utf8mb3, x CHAR(4) CHARACTER SET latin1 BINARY, y VARCHAR(3) CHARSET armscii8)
            """,
            "ALTER TABLE cs MODIFY a VARCHAR(3) CHARSET gbk, MODIFY b TEXT CHARSET latin1 BINARY, CHANGE c c MEDIUMINT UNSIGNED ZEROFILL NOT NULL",
            "ALTER TABLE cs CONVERT TO CHARACTER SET utf8mb4",
            "ALTER TABLE cs CONVERT TO CHARACTER SET ucs2",
            "CREATE TABLE jj (j JSON, t TEXT) CHARSET utf8mb4",
            "ALTER TABLE jj CONVERT TO CHARACTER SET latin1",
            "CREATE TABLE jc (a LONGTEXT CHECK (json_valid(a)), b TEXT, c LONGTEXT CHECK (c <> ''), CONSTRAINT cb CHECK (json_valid(`b`)))",
            "ALTER TABLE jc CHANGE a a2 LONGTEXT CHECK (json_valid(a2)), ADD d LONGTEXT CHECK (json_valid(d))",
            "CREATE TABLE jm (a JSON, b JSON, c JSON)",
            "ALTER TABLE jm MODIFY a LONGTEXT, CHANGE b b2 LONGTEXT, RENAME COLUMN c TO c2",
            "CREATE TABLE ip (id INT NOT NULL, v INT, UNIQUE KEY u (v), PRIMARY KEY (id))",
            "DROP INDEX `PRIMARY` ON ip",
            $"CREATE DATABASE `{other}` CHARACTER SET sjis",
            $"CREATE TABLE `{other}`.t (v VARCHAR(2), w TEXT)",
            $"RENAME TABLE `{other}`.t TO fromother",
            $"CREATE TABLE `{other}`.t2 (id INT)",
            $"DROP DATABASE `{other}`",
            "DROP TABLE inh2, gpk",
        ];

        await using var connection = new MySqlConnection(server.RootConnectionString(db.Name));
        await connection.OpenAsync();
        var catalog = await SchemaCatalogReader.ReadAsync(connection, []);
        var problems = new List<string>();
        foreach (var sql in statements)
        {
            await db.ExecuteAsync(sql);
            var applied = DdlApplier.Apply(catalog, sql, db.Name);
            foreach (var effect in applied.Effects.OfType<TableEffect.NotUnderstood>())
            {
                problems.Add($"not understood ({effect.Reason}): {sql}");
            }
            catalog = applied.Catalog;

            var ids = await TablesAsync(connection, db.Name, other);
            var read = await SchemaCatalogReader.ReadAsync(connection, ids);
            var known = catalog.Tables.Keys.Where(t => t.Schema == db.Name || t.Schema == other).OrderBy(t => t.ToString(), StringComparer.Ordinal).ToList();
            if (!known.SequenceEqual(ids.OrderBy(t => t.ToString(), StringComparer.Ordinal)))
            {
                problems.Add($"after {sql}: tables [{string.Join(", ", known)}] vs [{string.Join(", ", ids.OrderBy(t => t.ToString(), StringComparer.Ordinal))}]");
                continue;
            }
            foreach (var id in ids)
            {
                foreach (var diff in SchemaCompare.Differences(catalog.Tables[id], read.Tables[id]))
                {
                    problems.Add($"after {Short(sql)}: {diff.Replace(db.Name + ".", "", StringComparison.Ordinal)}");
                }
            }
            if (catalog.DatabaseDefaults(db.Name) != read.DatabaseDefaults(db.Name))
            {
                problems.Add($"after {Short(sql)}: database defaults {catalog.DatabaseDefaults(db.Name)} vs {read.DatabaseDefaults(db.Name)}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Reader_reads_table_and_database_defaults()
    {
        var db = await server.CreateDatabaseAsync("schemareader");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(4)) CHARSET latin1 COLLATE latin1_bin");
        await using var connection = new MySqlConnection(server.RootConnectionString(db.Name));
        await connection.OpenAsync();
        var id = new TableId(db.Name, "t");
        var catalog = await SchemaCatalogReader.ReadAsync(connection, [id]);

        Assert.Equal(SchemaDialect.MariaDb, catalog.Dialect);
        Assert.Equal(new CharsetCollation("utf8mb4", "utf8mb4_general_ci"), catalog.DatabaseDefaults(db.Name));
        var table = catalog.Tables[id];
        Assert.Equal(new CharsetCollation("latin1", "latin1_bin"), table.Defaults);
        Assert.Equal(["id"], table.Table.PrimaryKey);
        Assert.Equal("latin1_bin", table.Columns[1].Collation);
        Assert.Equal("latin1_swedish_ci", catalog.DefaultCollationOf("latin1"));
        Assert.Single(catalog.Tables);
    }

    private static string Short(string sql) => sql.Length <= 90 ? sql : sql[..90] + "...";

    private static async Task<List<TableId>> TablesAsync(MySqlConnection connection, params string[] schemas)
    {
        var result = new List<TableId>();
        await using var command = new MySqlCommand(
            "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN (@a, @b)",
            connection);
        command.Parameters.AddWithValue("@a", schemas[0]);
        command.Parameters.AddWithValue("@b", schemas.Length > 1 ? schemas[1] : schemas[0]);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add(new TableId(reader.GetString(0), reader.GetString(1)));
        return result;
    }
}
