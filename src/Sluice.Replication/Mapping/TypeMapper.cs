using MySqlConnector;
using Sluice.Replication.Destinations;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Mapping;

/// <summary>How one source column maps: a destination type, or skipped with a reason.</summary>
public sealed record ColumnMapping(SourceColumn Source, DestinationType? Type, string? SkipReason)
{
    public bool IsSkipped => Type is null;
}

/// <summary>A table's mapping: every source column's fate and the resulting destination table.</summary>
public sealed record TableMapping(SourceTable Source, IReadOnlyList<ColumnMapping> Columns, DestinationTable Destination);

/// <summary>
/// The MySQL → destination type table (docs/spec-coverage.md lists each row and its test).
/// <list type="bullet">
/// <item>TINYINT(1) (display width exactly 1, signed or unsigned) → BOOLEAN only when every value is 0 or 1 (an
/// observed fact: see <see cref="BooleanCheckSql"/>); otherwise, and for every other TINYINT, INTEGER.</item>
/// <item>SMALLINT (signed/unsigned), MEDIUMINT (signed/unsigned: max 16,777,215 fits), INT → INTEGER;
/// INT UNSIGNED, BIGINT → LONG; BIGINT UNSIGNED → BIGDECIMAL(20,0); YEAR → INTEGER.</item>
/// <item>BIT(1) → BOOLEAN. BIT(n&gt;1), which the product's type table leaves out, maps to BINARY (ceil(n/8) big-endian bytes), which is
/// lossless for every width up to 64 (LONG could not hold BIT(64) values above 2^63-1).</item>
/// <item>DECIMAL/NUMERIC(p,s) → BIGDECIMAL(p,s); FLOAT, DOUBLE → DOUBLE.</item>
/// <item>CHAR, VARCHAR, TINYTEXT, TEXT, MEDIUMTEXT, LONGTEXT, ENUM → STRING; TIME → STRING.</item>
/// <item>BINARY, VARBINARY, TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB → BINARY.</item>
/// <item>DATE → DATE; DATETIME → TIMESTAMP_NTZ; TIMESTAMP → TIMESTAMP (UTC).</item>
/// <item>JSON (and MariaDB's JSON alias), SET, GEOMETRY, POINT, LINESTRING, POLYGON, MULTI*, GEOMETRYCOLLECTION → JSON.</item>
/// <item>Anything else (MariaDB UUID/INET4/INET6, VECTOR, ...) is skipped.</item>
/// </list>
/// A text column whose character set is not in <see cref="SupportedCharsets"/> throws <see cref="UnsupportedCharsetException"/>.
/// </summary>
public static class TypeMapper
{
    /// <summary>Maps one column. <paramref name="holdsOnlyZeroOrOne"/> is the observed fact for TINYINT(1) columns (null: unknown → INTEGER).</summary>
    public static ColumnMapping MapColumn(TableId table, SourceColumn column, bool? holdsOnlyZeroOrOne = null)
    {
        if (!SupportedCharsets.IsSupported(column.CharacterSet))
        {
            throw new UnsupportedCharsetException(table.ToString(), column.Name, column.CharacterSet!);
        }

        var unsigned = column.IsUnsigned;
        DestinationType? type = column.DataType switch
        {
            "tinyint" => IsBooleanCandidate(column) && holdsOnlyZeroOrOne == true ? DestinationType.Boolean : DestinationType.Integer,
            "smallint" or "mediumint" => DestinationType.Integer,
            "int" or "integer" => unsigned ? DestinationType.Long : DestinationType.Integer,
            "bigint" => unsigned ? DestinationType.BigDecimal(20, 0) : DestinationType.Long,
            "year" => DestinationType.Integer,
            "bit" => BitWidth(column) == 1 ? DestinationType.Boolean : DestinationType.Binary,
            "decimal" or "numeric" or "fixed" => DestinationType.BigDecimal(
                (int)(column.NumericPrecision ?? 10), (int)(column.NumericScale ?? 0)),
            "float" or "double" or "real" or "double precision" => DestinationType.Double,
            "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" =>
                column.IsJsonAlias ? DestinationType.Json : DestinationType.String,
            "time" => DestinationType.String,
            "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => DestinationType.Binary,
            "date" => DestinationType.Date,
            "datetime" => DestinationType.TimestampNtz,
            "timestamp" => DestinationType.Timestamp,
            "json" or "set" => DestinationType.Json,
            "geometry" or "point" or "linestring" or "polygon" or "multipoint" or "multilinestring" or "multipolygon"
                or "geometrycollection" or "geomcollection" => DestinationType.Json,
            _ => null,
        };
        return type is null
            ? new ColumnMapping(column, null, $"type '{column.ColumnType}' is not supported")
            : new ColumnMapping(column, type, null);
    }

    /// <summary>
    /// Maps a whole table. <paramref name="booleanTinyInts"/> names the TINYINT(1) columns observed to hold only 0 and 1
    /// (see <see cref="ObserveBooleanTinyIntsAsync"/>). A skipped primary key column is an error: the key would be lost.
    /// </summary>
    public static TableMapping MapTable(SourceTable table, IReadOnlySet<string>? booleanTinyInts = null)
    {
        var mappings = new List<ColumnMapping>(table.Columns.Count);
        var columns = new List<DestinationColumn>(table.Columns.Count);
        foreach (var column in table.Columns)
        {
            var fact = IsBooleanCandidate(column) ? booleanTinyInts?.Contains(column.Name) == true : (bool?)null;
            var mapping = MapColumn(table.Id, column, fact);
            mappings.Add(mapping);
            if (mapping.Type is { } type)
            {
                columns.Add(new DestinationColumn(column.Name, type, column.PrimaryKeyOrdinal, column));
            }
            else if (column.IsPrimaryKey)
            {
                throw new NotSupportedException(
                    $"table {table.Id}: primary key column {column.Name} has unsupported type '{column.ColumnType}'");
            }
        }
        return new TableMapping(table, mappings, new DestinationTable(table.Id, columns));
    }

    /// <summary>Whether the column is a TINYINT with display width exactly 1 (the only BOOLEAN candidate besides BIT(1)).</summary>
    public static bool IsBooleanCandidate(SourceColumn column) =>
        column.DataType == "tinyint" && column.DisplayWidth == 1;

    /// <summary>
    /// The query counting, per column, the values other than 0 and 1 (NULLs do not count): one scan of the table for all
    /// its candidate columns; a column is BOOLEAN when its count is 0 (or NULL: an empty table).
    /// </summary>
    public static string BooleanCheckSql(TableId table, IReadOnlyList<SourceColumn> columns) =>
        "SELECT " + string.Join(", ", columns.Select(c => $"SUM({MySqlIdentifier.Quote(c.Name)} NOT IN (0,1))")) + $" FROM {table.QuotedForMySql}";

    /// <summary>Runs <see cref="BooleanCheckSql"/> over the TINYINT(1) columns; returns the names holding only 0/1 (or NULL).</summary>
    public static async Task<IReadOnlySet<string>> ObserveBooleanTinyIntsAsync(
        MySqlConnection connection, SourceTable table, CancellationToken cancellationToken = default)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var candidates = table.Columns.Where(IsBooleanCandidate).ToArray();
        if (candidates.Length == 0) return result;
        await using var command = new MySqlCommand(BooleanCheckSql(table.Id, candidates), connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new InvalidOperationException($"table {table.Id}: the TINYINT(1) check returned no row");
        for (var i = 0; i < candidates.Length; i++)
        {
            if (reader.IsDBNull(i) || Convert.ToDecimal(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) == 0) result.Add(candidates[i].Name);
        }
        return result;
    }

    /// <summary>The number of bits of a BIT column (from NUMERIC_PRECISION, else COLUMN_TYPE; BIT alone is BIT(1)).</summary>
    public static int BitWidth(SourceColumn column) =>
        (int)(column.NumericPrecision ?? column.DisplayWidth ?? 1);
}
