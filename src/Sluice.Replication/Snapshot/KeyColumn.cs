using System.Globalization;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Snapshot;

/// <summary>How a primary key column's raw value is read for, and compared in, the keyset WHERE clause.</summary>
internal enum KeyKind
{
    /// <summary>Signed integers and YEAR: <see cref="long"/>.</summary>
    Signed,
    /// <summary>Unsigned integers and BIT: <see cref="ulong"/>.</summary>
    Unsigned,
    /// <summary>DECIMAL: the exact server text, compared as <c>CAST(@k AS DECIMAL(p,s))</c> (a string would compare as a double).</summary>
    Decimal,
    /// <summary>FLOAT/DOUBLE: read as <c>col + 0E0</c> (full double precision; FLOAT text has only 6 digits), a <see cref="double"/>.</summary>
    Double,
    /// <summary>DATE, DATETIME, TIMESTAMP, TIME: the server text (<c>CAST(col AS CHAR)</c>: zero dates survive), compared as a string literal.</summary>
    Temporal,
    /// <summary>Text: the stored bytes (<c>CAST(col AS BINARY)</c>), compared as <c>CONVERT(@k USING cs) COLLATE coll</c>.</summary>
    Text,
    /// <summary>BINARY/VARBINARY/BLOB: the bytes.</summary>
    Binary,
    /// <summary>ENUM/SET: the member number (<c>col + 0</c>), a <see cref="ulong"/>; ORDER BY sorts by it too.</summary>
    Ordinal,
}

/// <summary>A primary key column as the keyset query uses it.</summary>
internal sealed record KeyColumn(SourceColumn Source, KeyKind Kind)
{
    public string Quoted => MySqlIdentifier.Quote(Source.Name);

    public static KeyColumn For(TableId table, SourceColumn column)
    {
        var kind = column.DataType switch
        {
            "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" =>
                column.IsUnsigned ? KeyKind.Unsigned : KeyKind.Signed,
            "year" => KeyKind.Signed,
            "bit" => KeyKind.Unsigned,
            "decimal" or "numeric" or "fixed" => KeyKind.Decimal,
            "float" or "double" or "real" or "double precision" => KeyKind.Double,
            "date" or "datetime" or "timestamp" or "time" => KeyKind.Temporal,
            "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" =>
                column.CharacterSet is null ? KeyKind.Binary : KeyKind.Text,
            "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => KeyKind.Binary,
            "enum" or "set" => KeyKind.Ordinal,
            _ => throw new NotSupportedException(
                $"table {table}: primary key column {column.Name} has type '{column.ColumnType}', which keyset chunking does not support"),
        };
        return new KeyColumn(column, kind);
    }

    /// <summary>The SELECT expression that reads the raw key value.</summary>
    public string ReadExpression => Kind switch
    {
        KeyKind.Decimal or KeyKind.Temporal => $"CAST({Quoted} AS CHAR)",
        KeyKind.Double => $"({Quoted} + 0E0)",
        KeyKind.Text => $"CAST({Quoted} AS BINARY)",
        KeyKind.Ordinal => $"({Quoted} + 0)",
        _ => Quoted,
    };

    /// <summary>The SQL expression comparing as the column does, for parameter <paramref name="parameter"/>.</summary>
    public string ValueExpression(string parameter) => Kind switch
    {
        KeyKind.Decimal => $"CAST({parameter} AS DECIMAL({Source.NumericPrecision ?? 65},{Source.NumericScale ?? 0}))",
        KeyKind.Text when Source.Collation is { Length: > 0 } collation =>
            $"CONVERT({parameter} USING {Source.CharacterSet}) COLLATE {collation}",
        KeyKind.Text => $"CONVERT({parameter} USING {Source.CharacterSet})",
        _ => parameter,
    };

    /// <summary>Converts a value read through <see cref="ReadExpression"/> to the raw key form (long, ulong, string, double, byte[]).</summary>
    public object Raw(object value) => Kind switch
    {
        KeyKind.Signed => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        KeyKind.Unsigned or KeyKind.Ordinal => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
        KeyKind.Double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        KeyKind.Decimal or KeyKind.Temporal => value as string ?? (value is byte[] b
            ? System.Text.Encoding.UTF8.GetString(b)
            : Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
        _ => value as byte[] ?? throw new InvalidCastException($"{value.GetType().Name} is not a byte string"),
    };

    /// <summary>Checks a (possibly decoded) raw value has the type this column's key kind uses.</summary>
    public bool Accepts(object? value) => Kind switch
    {
        KeyKind.Signed => value is long,
        KeyKind.Unsigned or KeyKind.Ordinal => value is ulong,
        KeyKind.Double => value is double,
        KeyKind.Decimal or KeyKind.Temporal => value is string,
        _ => value is byte[],
    };
}
