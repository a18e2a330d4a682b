namespace Sluice.Replication.Discovery;

/// <summary>A source table's identity: its schema (MySQL database) and name, exactly as the server spells them.</summary>
public readonly record struct TableId(string Schema, string Name)
{
    /// <summary><c>schema.table</c>, unquoted: for messages and as a stable key.</summary>
    public override string ToString() => Schema + "." + Name;

    /// <summary>The table quoted for MySQL/MariaDB SQL: <c>`schema`.`table`</c>.</summary>
    public string QuotedForMySql => MySqlIdentifier.Quote(Schema) + "." + MySqlIdentifier.Quote(Name);
}

/// <summary>One column of a source table, as information_schema describes it.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Ordinal">1-based position in the table.</param>
/// <param name="DataType">Lower-case base type (<c>DATA_TYPE</c>), e.g. <c>tinyint</c>, <c>varchar</c>, <c>geomcollection</c>.</param>
/// <param name="ColumnType">Full type (<c>COLUMN_TYPE</c>), e.g. <c>tinyint(1) unsigned</c>, <c>enum('a','b')</c>.</param>
/// <param name="IsNullable">Whether the column accepts NULL.</param>
/// <param name="CharacterSet">Character set of a text column (null for non-text columns); <c>utf8</c> is reported as <c>utf8mb3</c>.</param>
/// <param name="Collation">Collation of a text column (null for non-text columns).</param>
/// <param name="NumericPrecision">Precision of numeric columns (<c>NUMERIC_PRECISION</c>; for BIT the number of bits).</param>
/// <param name="NumericScale">Scale of numeric columns.</param>
/// <param name="DateTimePrecision">Fractional-second digits of TIME/DATETIME/TIMESTAMP (parsed from COLUMN_TYPE: works on 5.5).</param>
/// <param name="Labels">ENUM or SET labels in definition order (empty for other types).</param>
/// <param name="PrimaryKeyOrdinal">1-based position in the primary key, or 0 when the column is not part of it.</param>
/// <param name="IsJsonAlias">MariaDB's JSON (a LONGTEXT with a <c>json_valid</c> check): replicated as JSON.</param>
/// <param name="Extra">information_schema's EXTRA (auto_increment, VIRTUAL GENERATED, ...).</param>
public sealed record SourceColumn(
    string Name,
    int Ordinal,
    string DataType,
    string ColumnType,
    bool IsNullable,
    string? CharacterSet,
    string? Collation,
    long? NumericPrecision,
    long? NumericScale,
    int DateTimePrecision,
    IReadOnlyList<string> Labels,
    int PrimaryKeyOrdinal,
    bool IsJsonAlias = false,
    string Extra = "")
{
    public bool IsPrimaryKey => PrimaryKeyOrdinal > 0;

    /// <summary>Whether COLUMN_TYPE carries <c>unsigned</c>.</summary>
    public bool IsUnsigned => ColumnTypeParser.IsUnsigned(ColumnType);

    /// <summary>The display width in COLUMN_TYPE (<c>tinyint(1)</c> → 1), or null when none is written.</summary>
    public int? DisplayWidth => ColumnTypeParser.DisplayWidth(ColumnType);
}

/// <summary>A source base table with its columns (ordinal order) and primary key (key order).</summary>
/// <param name="Id">Schema and name.</param>
/// <param name="Columns">Columns in ordinal order (blocked columns removed).</param>
/// <param name="PrimaryKey">Primary key column names in key order (empty when the table has none).</param>
/// <param name="ApproximateBytes">DATA_LENGTH + INDEX_LENGTH (an estimate; 0 when unknown).</param>
/// <param name="ApproximateRows">TABLE_ROWS (an estimate for InnoDB; 0 when unknown).</param>
/// <param name="Engine">Storage engine (may be null).</param>
public sealed record SourceTable(
    TableId Id,
    IReadOnlyList<SourceColumn> Columns,
    IReadOnlyList<string> PrimaryKey,
    long ApproximateBytes,
    long ApproximateRows,
    string? Engine)
{
    public bool HasPrimaryKey => PrimaryKey.Count > 0;

    public SourceColumn? Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>MySQL identifier quoting.</summary>
public static class MySqlIdentifier
{
    /// <summary>Quotes with backticks, doubling any backtick inside.</summary>
    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";
}
