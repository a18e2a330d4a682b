using Sluice.Replication.Discovery;
using Sluice.Replication.Schema;

namespace Sluice.Replication.Tests.Schema;

/// <summary>DdlApplier, statement by statement, on a catalog whose current database is <c>db</c> (utf8mb4 by default).</summary>
public sealed class DdlApplierTests
{
    private static readonly SchemaCatalog Start = SchemaCatalog.Empty with
    {
        Databases = SchemaCatalog.Empty.Databases.SetItem("db", new CharsetCollation("utf8mb4", "utf8mb4_general_ci")),
    };

    private static TableId T(string name, string schema = "db") => new(schema, name);

    /// <summary>Applies statements in order; fails on any NotUnderstood.</summary>
    private static SchemaCatalog Run(SchemaCatalog catalog, params string[] statements)
    {
        foreach (var sql in statements)
        {
            var applied = DdlApplier.Apply(catalog, sql, "db");
            var failure = applied.Effects.OfType<TableEffect.NotUnderstood>().FirstOrDefault();
            Assert.True(failure is null, $"{sql}: {failure?.Reason}");
            catalog = applied.Catalog;
        }
        return catalog;
    }

    /// <summary><c>name column_type [not null] [collation] [pkN] [json] [virtual|stored]</c>, columns joined by "; ".</summary>
    internal static string Describe(TableSchema table) => string.Join("; ", table.Columns.Select((c, k) =>
    {
        Assert.Equal(k + 1, c.Ordinal);
        var parts = new List<string> { c.Name, c.ColumnType };
        if (!c.IsNullable) parts.Add("not null");
        if (c.Collation is not null) parts.Add(c.Collation);
        if (c.IsPrimaryKey) parts.Add("pk" + c.PrimaryKeyOrdinal);
        if (c.IsJsonAlias) parts.Add("json");
        if (c.Extra.Contains("GENERATED", StringComparison.Ordinal)) parts.Add(c.Extra.Split(' ')[0].ToLowerInvariant());
        return string.Join(" ", parts);
    }));

    private static string Table(SchemaCatalog catalog, string name = "t") =>
        catalog.Table(T(name)) is { } table ? Describe(table) : "(none)";

    // ---- column types as information_schema shows them ----

    [Theory]
    [InlineData("INT", "int", "int(11)", 10L, 0L)]
    [InlineData("integer unsigned", "int", "int(10) unsigned", 10L, 0L)]
    [InlineData("INT(5) ZEROFILL", "int", "int(5) unsigned zerofill", 10L, 0L)]
    [InlineData("TINYINT", "tinyint", "tinyint(4)", 3L, 0L)]
    [InlineData("BOOLEAN", "tinyint", "tinyint(1)", 3L, 0L)]
    [InlineData("bool", "tinyint", "tinyint(1)", 3L, 0L)]
    [InlineData("SMALLINT UNSIGNED", "smallint", "smallint(5) unsigned", 5L, 0L)]
    [InlineData("MEDIUMINT", "mediumint", "mediumint(9)", 7L, 0L)]
    [InlineData("MEDIUMINT UNSIGNED", "mediumint", "mediumint(8) unsigned", 8L, 0L)]
    [InlineData("BIGINT", "bigint", "bigint(20)", 19L, 0L)]
    [InlineData("BIGINT UNSIGNED", "bigint", "bigint(20) unsigned", 20L, 0L)]
    [InlineData("INT8", "bigint", "bigint(20)", 19L, 0L)]
    [InlineData("BIT", "bit", "bit(1)", 1L, null)]
    [InlineData("BIT(12)", "bit", "bit(12)", 12L, null)]
    [InlineData("DECIMAL", "decimal", "decimal(10,0)", 10L, 0L)]
    [InlineData("NUMERIC(7)", "decimal", "decimal(7,0)", 7L, 0L)]
    [InlineData("DEC(9,3) UNSIGNED", "decimal", "decimal(9,3) unsigned", 9L, 3L)]
    [InlineData("FIXED(4,1)", "decimal", "decimal(4,1)", 4L, 1L)]
    [InlineData("FLOAT", "float", "float", 12L, null)]
    [InlineData("FLOAT(10)", "float", "float", 12L, null)]
    [InlineData("FLOAT(30)", "double", "double", 22L, null)]
    [InlineData("FLOAT(7,3)", "float", "float(7,3)", 7L, 3L)]
    [InlineData("DOUBLE PRECISION", "double", "double", 22L, null)]
    [InlineData("REAL", "double", "double", 22L, null)]
    [InlineData("DOUBLE(10,2) UNSIGNED", "double", "double(10,2) unsigned", 10L, 2L)]
    [InlineData("DATE", "date", "date", null, null)]
    [InlineData("YEAR", "year", "year(4)", null, null)]
    [InlineData("DATETIME(6)", "datetime", "datetime(6)", null, null)]
    [InlineData("TIMESTAMP", "timestamp", "timestamp", null, null)]
    [InlineData("GEOMETRYCOLLECTION", "geometrycollection", "geometrycollection", null, null)]
    [InlineData("POINT", "point", "point", null, null)]
    [InlineData("INET6", "inet6", "inet6", null, null)]
    [InlineData("UUID", "uuid", "uuid", null, null)]
    [InlineData("BINARY", "binary", "binary(1)", null, null)]
    [InlineData("VARBINARY(8)", "varbinary", "varbinary(8)", null, null)]
    [InlineData("BLOB(300)", "blob", "blob", null, null)]
    [InlineData("BLOB(200)", "tinyblob", "tinyblob", null, null)]
    [InlineData("LONG VARBINARY", "mediumblob", "mediumblob", null, null)]
    public void Non_text_types_derive_information_schema_fields(string type, string dataType, string columnType, long? precision, long? scale)
    {
        var catalog = Run(Start, $"CREATE TABLE t (c {type})");
        var column = catalog.Tables[T("t")].Columns[0];
        Assert.Equal(dataType, column.DataType);
        Assert.Equal(columnType, column.ColumnType);
        Assert.Equal(precision, column.NumericPrecision);
        Assert.Equal(scale, column.NumericScale);
        Assert.Null(column.CharacterSet);
        Assert.True(column.IsNullable);
    }

    [Theory]
    [InlineData("CHAR", "char(1) utf8mb4_general_ci")]
    [InlineData("CHARACTER(3)", "char(3) utf8mb4_general_ci")]
    [InlineData("VARCHAR(10) CHARACTER SET utf8", "varchar(10) utf8mb3_general_ci")]
    [InlineData("VARCHAR(10) CHARSET latin1 COLLATE latin1_bin", "varchar(10) latin1_bin")]
    [InlineData("VARCHAR(10) COLLATE utf8_unicode_ci", "varchar(10) utf8mb3_unicode_ci")]
    [InlineData("VARCHAR(10) COLLATE 'cp1251_bin'", "varchar(10) cp1251_bin")]
    [InlineData("VARCHAR(10) BINARY", "varchar(10) utf8mb4_bin")]
    [InlineData("VARCHAR(10) COLLATE uca1400_ai_ci", "varchar(10) utf8mb4_uca1400_ai_ci")]
    [InlineData("VARCHAR(10) CHARSET utf8mb3 COLLATE uca1400_as_cs", "varchar(10) utf8mb3_uca1400_as_cs")]
    [InlineData("CHAR(2) ASCII", "char(2) latin1_swedish_ci")]
    [InlineData("CHAR(2) UNICODE", "char(2) ucs2_general_ci")]
    [InlineData("NATIONAL VARCHAR(4)", "varchar(4) utf8mb3_general_ci")]
    [InlineData("NCHAR(4)", "char(4) utf8mb3_general_ci")]
    [InlineData("CHAR VARYING(4)", "varchar(4) utf8mb4_general_ci")]
    [InlineData("VARCHAR(4) CHARACTER SET binary", "varbinary(4)")]
    [InlineData("TEXT", "text utf8mb4_general_ci")]
    [InlineData("TEXT(100) CHARSET latin1", "tinytext latin1_swedish_ci")]
    [InlineData("TEXT(100)", "text utf8mb4_general_ci")]
    [InlineData("TEXT(70000) CHARSET latin1", "mediumtext latin1_swedish_ci")]
    [InlineData("LONG", "mediumtext utf8mb4_general_ci")]
    [InlineData("LONG VARCHAR", "mediumtext utf8mb4_general_ci")]
    [InlineData("LONGTEXT CHARACTER SET 'sjis'", "longtext sjis_japanese_ci")]
    [InlineData("ENUM('a', 'it''s', \"dq\", 'back\\\\slash', 'trail  ')", "enum('a','it''s','dq','back\\\\slash','trail') utf8mb4_general_ci")]
    [InlineData("SET('x', _utf8mb4'y') CHARACTER SET greek", "set('x','y') greek_general_ci")]
    [InlineData("ENUM(N'x', 'y''', '')", "enum('x','y''','') utf8mb4_general_ci")]
    [InlineData("JSON", "longtext utf8mb4_bin json")]
    public void Text_types_take_charsets_and_labels(string type, string expected)
    {
        var catalog = Run(Start, $"CREATE TABLE t (c {type})");
        Assert.Equal("c " + expected, Table(catalog));
    }

    [Fact]
    public void Enum_labels_are_unescaped()
    {
        var catalog = Run(Start, "CREATE TABLE t (e ENUM('it''s', 'a\\'b', 'tab\\there', 'x  '))");
        Assert.Equal(["it's", "a'b", "tab\there", "x"], catalog.Tables[T("t")].Columns[0].Labels);
    }

    [Theory]
    [InlineData(true, "a timestamp; b timestamp; c timestamp(3) not null")]
    [InlineData(false, "a timestamp not null; b timestamp; c timestamp(3) not null")]
    public void Timestamp_nullability_follows_explicit_defaults_for_timestamp(bool explicitDefaults, string expected)
    {
        var catalog = Run(Start with { ExplicitDefaultsForTimestamp = explicitDefaults },
            "CREATE TABLE t (a TIMESTAMP, b TIMESTAMP NULL, c TIMESTAMP(3) NOT NULL DEFAULT '2000-01-01')");
        Assert.Equal(expected, Table(catalog));
    }

    [Fact]
    public void Serial_is_an_unsigned_not_null_auto_increment_bigint()
    {
        var column = Run(Start, "CREATE TABLE t (s SERIAL)").Tables[T("t")].Columns[0];
        Assert.Equal("bigint(20) unsigned", column.ColumnType);
        Assert.False(column.IsNullable);
        Assert.Equal("auto_increment", column.Extra);
    }

    [Theory]
    [InlineData(SchemaDialect.MySql80, "INT", "int")]
    [InlineData(SchemaDialect.MySql80, "TINYINT(1)", "tinyint(1)")]
    [InlineData(SchemaDialect.MySql80, "INT(4) ZEROFILL", "int(4) unsigned zerofill")]
    [InlineData(SchemaDialect.MySql80, "YEAR", "year")]
    [InlineData(SchemaDialect.MySql80, "JSON", "json")]
    [InlineData(SchemaDialect.MySql57, "INT", "int(11)")]
    [InlineData(SchemaDialect.MySql57, "JSON", "json")]
    public void Mysql_dialects_write_their_own_column_types(SchemaDialect dialect, string type, string columnType)
    {
        var catalog = Run(Start with { Dialect = dialect }, $"CREATE TABLE t (c {type})");
        Assert.Equal(columnType, catalog.Tables[T("t")].Columns[0].ColumnType);
    }

    // ---- CREATE TABLE ----

    [Theory]
    [InlineData("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(3))", "id int(11) not null pk1; v varchar(3) utf8mb4_general_ci")]
    [InlineData("CREATE TABLE t (id INT KEY)", "id int(11) not null pk1")]
    [InlineData("CREATE TABLE t (a INT, b INT NOT NULL, c INT NULL, PRIMARY KEY (b, a))", "a int(11) not null pk2; b int(11) not null pk1; c int(11)")]
    [InlineData("CREATE TABLE t (a INT, CONSTRAINT pk PRIMARY KEY USING BTREE (a DESC))", "a int(11) not null pk1")]
    [InlineData("CREATE TABLE t (a VARCHAR(9), PRIMARY KEY (a(4)))", "a varchar(9) not null utf8mb4_general_ci pk1")]
    [InlineData("CREATE TABLE t (a INT, KEY k (a), UNIQUE KEY (a), INDEX (a), FOREIGN KEY (a) REFERENCES o (id), CHECK (a > 0))", "a int(11)")]
    [InlineData("CREATE TABLE t (v VARCHAR(3)) CHARSET latin1", "v varchar(3) latin1_swedish_ci")]
    [InlineData("CREATE TABLE t (v VARCHAR(3)) DEFAULT CHARACTER SET = latin1 COLLATE = latin1_bin", "v varchar(3) latin1_bin")]
    [InlineData("CREATE TABLE t (v VARCHAR(3)) COLLATE utf8mb4_unicode_ci", "v varchar(3) utf8mb4_unicode_ci")]
    [InlineData("CREATE TABLE t (v VARCHAR(3) CHARSET ucs2) CHARSET latin1", "v varchar(3) ucs2_general_ci")]
    [InlineData("CREATE TABLE t (a INT DEFAULT NULL, b INT DEFAULT -1 NOT NULL, c VARCHAR(3) DEFAULT 'NULL' NOT NULL)", "a int(11); b int(11) not null; c varchar(3) not null utf8mb4_general_ci")]
    [InlineData("CREATE TABLE t (a DECIMAL(4,2) DEFAULT 1.5 NOT NULL, b DOUBLE DEFAULT 1.5e-3 NOT NULL)", "a decimal(4,2) not null; b double not null")]
    [InlineData("CREATE TABLE t (a DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3) NOT NULL)", "a datetime(3) not null")]
    [InlineData("CREATE TABLE t (a INT COMMENT 'NOT NULL', b BINARY(2) DEFAULT x'0102' NOT NULL)", "a int(11); b binary(2) not null")]
    [InlineData("CREATE TABLE t (a INT, b INT AS (a + 1), c INT GENERATED ALWAYS AS (a * 2) STORED, d INT AS (a) PERSISTENT)", "a int(11); b int(11) virtual; c int(11) stored; d int(11) stored")]
    [InlineData("CREATE TABLE t (`a``b` INT, `sp ace` INT, `ünï` INT)", "a`b int(11); sp ace int(11); ünï int(11)")]
    [InlineData("create table if not exists `db`.`t` (Id int)", "Id int(11)")]
    [InlineData("CREATE TABLE t (a INT) ENGINE=InnoDB AUTO_INCREMENT=5 ROW_FORMAT=DYNAMIC COMMENT='c' PARTITION BY HASH (a) PARTITIONS 2", "a int(11)")]
    [InlineData("CREATE /* c */ TABLE t ( -- x\n a INT /* y */, # z\n b INT /*!50100 UNSIGNED */ /*M!100500 NOT NULL */)", "a int(11); b int(10) unsigned not null")]
    [InlineData("CREATE TABLE t (a INT, b INT REFERENCES o (id) ON DELETE SET NULL)", "a int(11); b int(11)")]
    [InlineData("CREATE TABLE t (period INT, system INT, comment INT, status INT, s DATE, e DATE, PERIOD FOR p (s, e))", "period int(11); system int(11); comment int(11); status int(11); s date; e date")]
    public void Create_table_builds_the_definition(string sql, string expected)
    {
        var applied = DdlApplier.Apply(Start, sql, "db");
        var defined = Assert.IsType<TableEffect.Defined>(Assert.Single(applied.Effects));
        Assert.Equal(T("t"), defined.Table);
        Assert.Equal(expected, Table(applied.Catalog));
    }

    [Fact]
    public void Text_columns_inherit_the_table_then_the_database_then_the_server_defaults()
    {
        var catalog = Run(Start with { ServerDefaults = new CharsetCollation("latin1", "latin1_swedish_ci") },
            "CREATE DATABASE d2 CHARACTER SET cp1251",
            "CREATE TABLE d2.a (v VARCHAR(2))",
            "CREATE TABLE d2.b (v VARCHAR(2)) COLLATE cp1251_bin",
            "CREATE TABLE d3.c (v VARCHAR(2))",
            "CREATE DATABASE d4",
            "CREATE TABLE d4.d (v VARCHAR(2))");
        Assert.Equal("cp1251_general_ci", catalog.Tables[T("a", "d2")].Columns[0].Collation);
        Assert.Equal("cp1251_bin", catalog.Tables[T("b", "d2")].Columns[0].Collation);
        Assert.Equal(new CharsetCollation("cp1251", "cp1251_bin"), catalog.Tables[T("b", "d2")].Defaults);
        Assert.Equal("latin1_swedish_ci", catalog.Tables[T("c", "d3")].Columns[0].Collation);
        Assert.Equal("latin1_swedish_ci", catalog.Tables[T("d", "d4")].Columns[0].Collation);
    }

    [Fact]
    public void Charset_default_collations_come_from_the_catalog()
    {
        var catalog = Start with
        {
            CharsetDefaultCollations = Start.CharsetDefaultCollations.SetItem("utf8mb4", "utf8mb4_0900_ai_ci"),
        };
        catalog = Run(catalog, "CREATE TABLE t (v VARCHAR(2) CHARSET utf8mb4)");
        Assert.Equal("v varchar(2) utf8mb4_0900_ai_ci", Table(catalog));
    }

    [Fact]
    public void Create_table_like_copies_and_if_not_exists_keeps_the_old_table()
    {
        var catalog = Run(Start, "CREATE TABLE s (id INT PRIMARY KEY, v TEXT) CHARSET latin1", "CREATE TABLE t LIKE s",
            "CREATE TABLE IF NOT EXISTS t (other INT)", "CREATE TABLE u (LIKE `db`.s)");
        Assert.Equal("id int(11) not null pk1; v text latin1_swedish_ci", Table(catalog));
        Assert.Equal(Table(catalog), Table(catalog, "u"));
        Assert.Equal(T("u"), catalog.Tables[T("u")].Table.Id);
    }

    [Fact]
    public void Create_or_replace_replaces()
    {
        var catalog = Run(Start, "CREATE TABLE t (a INT)", "CREATE OR REPLACE TABLE t (b TINYTEXT)");
        Assert.Equal("b tinytext utf8mb4_general_ci", Table(catalog));
    }

    [Fact]
    public void Table_names_are_case_sensitive_and_column_names_are_not()
    {
        var catalog = Run(Start, "CREATE TABLE T (A INT, B INT)", "CREATE TABLE t (a INT)", "ALTER TABLE t MODIFY A BIGINT", "ALTER TABLE T DROP a");
        // MODIFY takes the spelling of the new definition, as the server does.
        Assert.Equal("A bigint(20)", Table(catalog));
        Assert.Equal("B int(11)", Table(catalog, "T"));
    }

    // ---- ALTER TABLE ----

    private const string Base = "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(5), b INT)";

    [Theory]
    [InlineData("ALTER TABLE t ADD c INT", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c int(11)")]
    [InlineData("ALTER TABLE t ADD COLUMN c INT FIRST", "c int(11); id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11)")]
    [InlineData("ALTER TABLE t ADD COLUMN c INT AFTER id", "id int(11) not null pk1; c int(11); a varchar(5) utf8mb4_general_ci; b int(11)")]
    [InlineData("ALTER TABLE t ADD COLUMN IF NOT EXISTS a INT, ADD IF NOT EXISTS c INT", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c int(11)")]
    [InlineData("ALTER TABLE t ADD (c INT, d TEXT CHARSET latin1)", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c int(11); d text latin1_swedish_ci")]
    [InlineData("ALTER TABLE t DROP COLUMN a", "id int(11) not null pk1; b int(11)")]
    [InlineData("ALTER TABLE t DROP a, DROP COLUMN IF EXISTS zz", "id int(11) not null pk1; b int(11)")]
    [InlineData("ALTER TABLE t MODIFY a VARCHAR(9) CHARSET latin1 NOT NULL", "id int(11) not null pk1; a varchar(9) not null latin1_swedish_ci; b int(11)")]
    [InlineData("ALTER TABLE t MODIFY COLUMN b BIGINT UNSIGNED FIRST", "b bigint(20) unsigned; id int(11) not null pk1; a varchar(5) utf8mb4_general_ci")]
    [InlineData("ALTER TABLE t MODIFY b INT AFTER id", "id int(11) not null pk1; b int(11); a varchar(5) utf8mb4_general_ci")]
    [InlineData("ALTER TABLE t CHANGE a a2 TEXT", "id int(11) not null pk1; a2 text utf8mb4_general_ci; b int(11)")]
    [InlineData("ALTER TABLE t CHANGE COLUMN id id2 BIGINT", "id2 bigint(20) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11)")]
    [InlineData("ALTER TABLE t CHANGE b b INT FIRST", "b int(11); id int(11) not null pk1; a varchar(5) utf8mb4_general_ci")]
    [InlineData("ALTER TABLE t RENAME COLUMN a TO z", "id int(11) not null pk1; z varchar(5) utf8mb4_general_ci; b int(11)")]
    [InlineData("ALTER TABLE t CONVERT TO CHARACTER SET latin1", "id int(11) not null pk1; a varchar(5) latin1_swedish_ci; b int(11)")]
    [InlineData("ALTER TABLE t CONVERT TO CHARSET utf8mb4 COLLATE utf8mb4_bin", "id int(11) not null pk1; a varchar(5) utf8mb4_bin; b int(11)")]
    [InlineData("ALTER TABLE t DEFAULT CHARACTER SET latin1, ADD c CHAR(2)", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c char(2) latin1_swedish_ci")]
    [InlineData("ALTER TABLE t ENGINE=InnoDB CHARSET=cp1251, ADD c CHAR(2)", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c char(2) cp1251_general_ci")]
    [InlineData("ALTER TABLE t DROP PRIMARY KEY", "id int(11) not null; a varchar(5) utf8mb4_general_ci; b int(11)")]
    [InlineData("ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (b, id)", "id int(11) not null pk2; a varchar(5) utf8mb4_general_ci; b int(11) not null pk1")]
    [InlineData("ALTER TABLE t DROP PRIMARY KEY, ADD CONSTRAINT `pk` PRIMARY KEY (a)", "id int(11) not null; a varchar(5) not null utf8mb4_general_ci pk1; b int(11)")]
    [InlineData("ALTER TABLE t DROP id", "a varchar(5) utf8mb4_general_ci; b int(11)")]
    [InlineData("ALTER TABLE t ADD c INT, DROP b, MODIFY a CHAR(1), ADD d INT AFTER id", "id int(11) not null pk1; d int(11); a char(1) utf8mb4_general_ci; c int(11)")]
    [InlineData("ALTER TABLE `db`.`t` ADD `c d` INT, ALGORITHM=INPLACE, LOCK=NONE", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c d int(11)")]
    [InlineData("ALTER ONLINE IGNORE TABLE t WAIT 5 ADD c INT", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c int(11)")]
    [InlineData("SET STATEMENT max_statement_time=60 FOR ALTER TABLE t ADD c INT", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c int(11)")]
    [InlineData("ALTER TABLE t ADD period INT, ADD system INT, DROP period", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); system int(11)")]
    [InlineData("/*!40000 ALTER TABLE t ADD c INT */", "id int(11) not null pk1; a varchar(5) utf8mb4_general_ci; b int(11); c int(11)")]
    public void Alter_table_clauses(string sql, string expected)
    {
        var catalog = Run(Run(Start, Base), sql);
        Assert.Equal(expected, Table(catalog));
    }

    [Theory]
    [InlineData("ALTER TABLE t ALTER COLUMN a SET DEFAULT 'x'")]
    [InlineData("ALTER TABLE t ALTER b DROP DEFAULT")]
    [InlineData("ALTER TABLE t ADD INDEX ia (a), ADD UNIQUE KEY (b), ADD FULLTEXT (a)")]
    [InlineData("ALTER TABLE t DROP INDEX ia, DROP FOREIGN KEY fk, DROP CHECK c1, DROP CONSTRAINT c2")]
    [InlineData("ALTER TABLE t ENGINE=InnoDB")]
    [InlineData("ALTER TABLE t COMMENT 'x', AUTO_INCREMENT = 10, ROW_FORMAT=COMPRESSED")]
    [InlineData("ALTER TABLE t RENAME INDEX a TO b")]
    [InlineData("ALTER TABLE t FORCE")]
    [InlineData("ALTER TABLE t ORDER BY b")]
    [InlineData("CREATE INDEX ia ON t (a)")]
    [InlineData("DROP INDEX ia ON t")]
    [InlineData("ALTER TABLE t PARTITION BY HASH(id) PARTITIONS 4")]
    [InlineData("ALTER TABLE unknown_table ADD c INT")]
    [InlineData("ALTER TABLE other.t ADD c INT")]
    public void Clauses_that_change_no_column_leave_the_catalog(string sql)
    {
        var before = Run(Start, Base);
        var applied = DdlApplier.Apply(before, sql, "db");
        Assert.Empty(applied.Effects);
        Assert.Equal(Table(before), Table(applied.Catalog));
    }

    [Fact]
    public void Alter_reports_the_column_changes()
    {
        var applied = DdlApplier.Apply(Run(Start, Base),
            "ALTER TABLE t ADD c INT, DROP b, MODIFY a CHAR(1), CHANGE id id2 BIGINT, RENAME COLUMN c TO c2", "db");
        var altered = Assert.IsType<TableEffect.Altered>(Assert.Single(applied.Effects));
        Assert.Equal(
        [
            new ColumnChange(ColumnChangeKind.Added, "c"),
            new ColumnChange(ColumnChangeKind.Dropped, "b"),
            new ColumnChange(ColumnChangeKind.Modified, "a"),
            new ColumnChange(ColumnChangeKind.Modified, "id", "id2"),
            new ColumnChange(ColumnChangeKind.Renamed, "c", "c2"),
        ], altered.Changes);
        Assert.Equal("id2 bigint(20) not null pk1; a char(1) utf8mb4_general_ci; c2 int(11)", Describe(altered.Schema));
    }

    [Fact]
    public void Convert_to_character_set_grows_text_types_that_need_more_bytes()
    {
        var catalog = Run(Start,
            "CREATE TABLE t (a TINYTEXT, b TEXT, c MEDIUMTEXT, d LONGTEXT, e ENUM('x'), f BLOB, g INT, j JSON) CHARSET latin1",
            "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4");
        Assert.Equal(
            "a text utf8mb4_general_ci; b mediumtext utf8mb4_general_ci; c longtext utf8mb4_general_ci; d longtext utf8mb4_general_ci; "
            + "e enum('x') utf8mb4_general_ci; f blob; g int(11); j longtext utf8mb4_general_ci json",
            Table(catalog));
        Assert.Equal(new CharsetCollation("utf8mb4", "utf8mb4_general_ci"), catalog.Tables[T("t")].Defaults);
        // Back to a single-byte charset: types do not shrink.
        catalog = Run(catalog, "ALTER TABLE t CONVERT TO CHARACTER SET latin1");
        Assert.StartsWith("a text latin1_swedish_ci; b mediumtext latin1_swedish_ci", Table(catalog), StringComparison.Ordinal);
    }

    [Fact]
    public void Alter_rename_to_moves_the_table_after_its_other_clauses()
    {
        var applied = DdlApplier.Apply(Run(Start, Base), "ALTER TABLE t ADD c INT, RENAME TO other.u", "db");
        Assert.Equal(2, applied.Effects.Count);
        Assert.IsType<TableEffect.Altered>(applied.Effects[0]);
        Assert.Equal(new TableEffect.Renamed(T("t"), T("u", "other")), applied.Effects[1]);
        Assert.Null(applied.Catalog.Table(T("t")));
        Assert.Equal("c", applied.Catalog.Tables[T("u", "other")].Columns[3].Name);
        Assert.Equal(T("u", "other"), applied.Catalog.Tables[T("u", "other")].Table.Id);
    }

    // ---- RENAME, DROP, TRUNCATE, databases ----

    [Fact]
    public void Rename_table_applies_pairs_in_order()
    {
        var applied = DdlApplier.Apply(Run(Start, "CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"),
            "RENAME TABLE a TO tmp, b TO a, tmp TO b, untracked TO z", "db");
        Assert.Equal(3, applied.Effects.Count);
        Assert.Equal("y int(11)", Table(applied.Catalog, "a"));
        Assert.Equal("x int(11)", Table(applied.Catalog, "b"));
        Assert.Equal("(none)", Table(applied.Catalog, "tmp"));
    }

    [Fact]
    public void Drop_table_drops_known_tables()
    {
        var applied = DdlApplier.Apply(Run(Start, "CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"), "DROP TABLE IF EXISTS a, missing, db.b", "db");
        Assert.Equal([new TableEffect.Dropped(T("a")), new TableEffect.Dropped(T("b"))], applied.Effects);
        Assert.Empty(applied.Catalog.Tables);
    }

    [Fact]
    public void Truncate_is_reported_and_changes_no_definition()
    {
        var before = Run(Start, Base);
        var applied = DdlApplier.Apply(before, "TRUNCATE TABLE t", "db");
        Assert.Equal([new TableEffect.Truncated(T("t"))], applied.Effects);
        Assert.Same(before, applied.Catalog);
        Assert.Equal([new TableEffect.Truncated(T("t"))], DdlApplier.Apply(before, "truncate `t`", "db").Effects);
    }

    [Fact]
    public void Databases_carry_defaults_and_drop_takes_their_tables()
    {
        var catalog = Run(Start, "CREATE DATABASE IF NOT EXISTS d2 DEFAULT CHARACTER SET = latin1", "CREATE TABLE d2.a (v CHAR(1))",
            "ALTER DATABASE d2 COLLATE latin1_bin", "CREATE TABLE d2.b (v CHAR(1))", "ALTER DATABASE CHARACTER SET greek", "CREATE TABLE c (v CHAR(1))");
        Assert.Equal(new CharsetCollation("latin1", "latin1_bin"), catalog.DatabaseDefaults("d2"));
        Assert.Equal("latin1_swedish_ci", catalog.Tables[T("a", "d2")].Columns[0].Collation);
        Assert.Equal("latin1_bin", catalog.Tables[T("b", "d2")].Columns[0].Collation);
        Assert.Equal("greek_general_ci", catalog.Tables[T("c")].Columns[0].Collation);

        var applied = DdlApplier.Apply(catalog, "DROP DATABASE IF EXISTS d2", "db");
        Assert.Equal([new TableEffect.Dropped(T("a", "d2")), new TableEffect.Dropped(T("b", "d2"))], applied.Effects);
        Assert.False(applied.Catalog.Databases.ContainsKey("d2"));
        Assert.Single(applied.Catalog.Tables);
    }

    // ---- quoting ----

    [Fact]
    public void Ansi_quotes_and_no_backslash_escapes_follow_the_sql_mode()
    {
        var catalog = DdlApplier.Apply(Start, "CREATE TABLE \"t\" (\"a b\" ENUM('x\\y'))", "db", ansiQuotes: true, noBackslashEscapes: true).Catalog;
        var column = catalog.Tables[T("t")].Columns[0];
        Assert.Equal("a b", column.Name);
        Assert.Equal(["x\\y"], column.Labels);
        Assert.Equal("enum('x\\\\y')", column.ColumnType);
    }

    // ---- what is not DDL, and what cannot be applied ----

    [Theory]
    [InlineData("BEGIN")]
    [InlineData("COMMIT")]
    [InlineData("INSERT INTO t VALUES (1, 'a', 2)")]
    [InlineData("UPDATE t SET b = 1")]
    [InlineData("DELETE FROM t")]
    [InlineData("GRANT SELECT ON db.* TO u")]
    [InlineData("CREATE TEMPORARY TABLE t (x INT)")]
    [InlineData("DROP TEMPORARY TABLE t")]
    [InlineData("CREATE VIEW v AS SELECT 1")]
    [InlineData("SET NAMES utf8mb4")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-- only a comment")]
    public void Statements_that_are_not_ddl_change_nothing(string sql)
    {
        var before = Run(Start, Base);
        var applied = DdlApplier.Apply(before, sql, "db");
        Assert.Empty(applied.Effects);
        Assert.Same(before, applied.Catalog);
    }

    [Theory]
    [InlineData("ALTER TABLE t FROBNICATE a", "t")]
    [InlineData("ALTER TABLE t ADD c NOSUCHTYPE", "t")]
    [InlineData("ALTER TABLE t DROP COLUMN nosuch", "t")]
    [InlineData("ALTER TABLE t MODIFY nosuch INT", "t")]
    [InlineData("ALTER TABLE t ADD c INT AFTER nosuch", "t")]
    [InlineData("ALTER TABLE t ADD a INT", "t")]
    [InlineData("ALTER TABLE t TRUNCATE PARTITION p0", "t")]
    [InlineData("ALTER TABLE t ADD SYSTEM VERSIONING", "t")]
    [InlineData("ALTER TABLE t ADD c ENUM(1, 2)", "t")]
    [InlineData("ALTER TABLE t ADD c VARCHAR", "t")]
    [InlineData("CREATE TABLE n SELECT 1 AS x", "n")]
    [InlineData("CREATE TABLE n (x INT) SELECT 1 AS x", "n")]
    [InlineData("CREATE TABLE n LIKE nosuch", "n")]
    [InlineData("CREATE TABLE n (x", "n")]
    [InlineData("ALTER TABLE t ADD c ENUM('unterminated", null)]
    public void Ddl_that_cannot_be_applied_is_reported_and_leaves_the_table(string sql, string? table)
    {
        var before = Run(Start, Base);
        var applied = DdlApplier.Apply(before, sql, "db");
        var effect = Assert.IsType<TableEffect.NotUnderstood>(Assert.Single(applied.Effects));
        Assert.Equal(table is null ? null : T(table), effect.Table);
        Assert.False(string.IsNullOrWhiteSpace(effect.Reason));
        Assert.Equal(Table(before), Table(applied.Catalog));
    }

    [Fact]
    public void Drop_index_primary_drops_the_key()
    {
        var applied = DdlApplier.Apply(Run(Start, Base), "DROP INDEX `PRIMARY` ON t", "db");
        var altered = Assert.IsType<TableEffect.Altered>(Assert.Single(applied.Effects));
        Assert.Empty(altered.Schema.Table.PrimaryKey);
        Assert.Equal("id int(11) not null; a varchar(5) utf8mb4_general_ci; b int(11)", Table(applied.Catalog));
    }

    [Fact]
    public void Json_valid_checks_make_mariadb_json_columns()
    {
        var catalog = Run(Start,
            "CREATE TABLE t (a LONGTEXT CHECK (json_valid(a)), b TEXT, c LONGTEXT CHECK (json_valid(b)), d LONGTEXT CHECK (c <> ''), CONSTRAINT k CHECK (json_valid(`b`)))");
        Assert.Equal([true, true, false, false], catalog.Tables[T("t")].Columns.Select(c => c.IsJsonAlias));
        catalog = Run(catalog, "ALTER TABLE t MODIFY a LONGTEXT, RENAME COLUMN b TO b2");
        Assert.Equal([false, true, false, false], catalog.Tables[T("t")].Columns.Select(c => c.IsJsonAlias));
    }

    [Fact]
    public void No_prefix_of_a_statement_throws()
    {
        string[] statements =
        [
            "CREATE TABLE t2 (id INT PRIMARY KEY, e ENUM('a''b','c') CHARACTER SET latin1 NOT NULL DEFAULT 'a', d DECIMAL(5,2) DEFAULT -1.5e-3, g INT AS (id + 1) STORED, CONSTRAINT pk PRIMARY KEY (id)) CHARSET utf8mb4 COLLATE utf8mb4_bin",
            "ALTER TABLE t ADD (c INT, d TEXT) , MODIFY a VARCHAR(9) CHARACTER SET latin1 AFTER b, CHANGE b b2 BIGINT FIRST, RENAME COLUMN id TO id2, CONVERT TO CHARACTER SET utf8 COLLATE utf8_bin, DROP PRIMARY KEY, ADD PRIMARY KEY (b2), RENAME TO x",
            "RENAME TABLE t TO u, u TO v",
            "DROP TABLE IF EXISTS t, u",
            "CREATE DATABASE IF NOT EXISTS `d``b` DEFAULT CHARACTER SET = latin1 COLLATE = latin1_bin",
            "SET STATEMENT max_statement_time=1 FOR ALTER TABLE /*!50100 t */ ADD c INT",
        ];
        var before = Run(Start, Base);
        foreach (var sql in statements)
        {
            for (var length = 0; length <= sql.Length; length++)
            {
                var applied = DdlApplier.Apply(before, sql[..length], "db");
                Assert.NotNull(applied.Catalog);
            }
        }
    }

    [Fact]
    public void Column_changes_to_a_table_with_hidden_columns_ask_for_a_re_read()
    {
        var visible = Run(Start, "CREATE TABLE t (a INT, c INT)").Tables[T("t")];
        // As read by a user who cannot see column 2.
        var read = visible with { Table = visible.Table with { Columns = [visible.Columns[0], visible.Columns[1] with { Ordinal = 3 }] } };
        Assert.True(read.HasHiddenColumns);
        var catalog = Start.WithTable(read);

        var added = DdlApplier.Apply(catalog, "ALTER TABLE t ADD d INT", "db");
        Assert.Equal(T("t"), Assert.IsType<TableEffect.NotUnderstood>(Assert.Single(added.Effects)).Table);
        Assert.Same(catalog, added.Catalog);

        Assert.Empty(DdlApplier.Apply(catalog, "ALTER TABLE t ADD INDEX (a)", "db").Effects);
        var renamed = DdlApplier.Apply(catalog, "RENAME TABLE t TO u", "db").Catalog.Tables[T("u")];
        Assert.Equal([1, 3], renamed.Columns.Select(c => c.Ordinal));
    }

    [Fact]
    public void Ordinals_are_renumbered_after_every_change()
    {
        var catalog = Run(Start, "CREATE TABLE t (a INT, b INT, c INT)", "ALTER TABLE t DROP a, ADD d INT FIRST, MODIFY c INT AFTER d");
        Assert.Equal([("d", 1), ("c", 2), ("b", 3)], catalog.Tables[T("t")].Columns.Select(c => (c.Name, c.Ordinal)));
    }
}
