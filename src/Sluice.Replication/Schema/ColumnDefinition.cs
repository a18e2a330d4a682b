using System.Globalization;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Schema;

/// <summary>Where ADD/MODIFY/CHANGE puts a column: at the end (null), FIRST, or AFTER a column.</summary>
internal sealed record ColumnPlacement(bool First, string? After);

/// <summary>A column definition as written in DDL, before defaults are resolved.</summary>
internal sealed class ColumnDefinition
{
    public required string Name { get; init; }

    /// <summary>The type name as written, lower case and with synonyms resolved (e.g. <c>integer</c> → <c>int</c>).</summary>
    public required string TypeName { get; set; }

    /// <summary>Numeric arguments in parentheses (<c>decimal(10,2)</c> → 10, 2).</summary>
    public List<int> Arguments { get; } = [];

    public List<string> Labels { get; } = [];

    public bool Unsigned { get; set; }
    public bool Zerofill { get; set; }

    /// <summary>The BINARY attribute of a text type: the charset's <c>_bin</c> collation.</summary>
    public bool BinaryCollation { get; set; }

    public string? Charset { get; set; }
    public string? Collation { get; set; }
    public bool? Nullable { get; set; }
    public bool PrimaryKey { get; set; }
    public bool AutoIncrement { get; set; }
    public bool Serial { get; set; }

    /// <summary>"VIRTUAL" or "STORED" for generated columns.</summary>
    public string? Generated { get; set; }

    public ColumnPlacement? Placement { get; set; }

    /// <summary>A <c>CHECK (json_valid(col))</c> on the column itself: MariaDB's JSON alias.</summary>
    public bool JsonCheck { get; set; }

    private static readonly Dictionary<string, (int Signed, int Unsigned, int Precision, int UnsignedPrecision)> Integers = new()
    {
        ["tinyint"] = (4, 3, 3, 3),
        ["smallint"] = (6, 5, 5, 5),
        ["mediumint"] = (9, 8, 7, 8),
        ["int"] = (11, 10, 10, 10),
        ["bigint"] = (20, 20, 19, 20),
    };

    private static readonly HashSet<string> TextTypes = ["char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"];

    private static readonly HashSet<string> Spatial =
    [
        "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection",
    ];

    /// <summary>Whether the type takes a charset (CHAR, VARCHAR, TEXT types, ENUM, SET).</summary>
    public bool IsText => TextTypes.Contains(TypeName);

    /// <summary>
    /// The column as information_schema would show it, given the table's defaults. Throws <see cref="FormatException"/>
    /// for a type it does not know.
    /// </summary>
    public SourceColumn Build(CharsetCollation tableDefaults, SchemaCatalog catalog, int primaryKeyOrdinal)
    {
        var dialect = catalog.Dialect;
        var type = TypeName;
        string? charset = null, collation = null;
        if (IsText)
        {
            (charset, collation) = ResolveCharset(Charset, Collation, tableDefaults, catalog);
            if (BinaryCollation && Collation is null) collation = CharsetRules.BinaryCollation(charset);
            if (charset == "binary")
            {
                // CHARACTER SET binary turns text types into their binary counterparts.
                type = type switch
                {
                    "char" => "binary",
                    "varchar" => "varbinary",
                    "tinytext" => "tinyblob",
                    "text" => "blob",
                    "mediumtext" => "mediumblob",
                    "longtext" => "longblob",
                    _ => type,
                };
                if (type is not ("enum" or "set")) (charset, collation) = (null, null);
            }
        }

        string dataType = type, columnType;
        long? precision = null, scale = null;
        var fsp = 0;
        var isJson = false;
        var unsignedSuffix = (Unsigned || Zerofill ? " unsigned" : "") + (Zerofill ? " zerofill" : "");
        string Arg(int i) => Arguments[i].ToString(CultureInfo.InvariantCulture);

        if (Integers.TryGetValue(type, out var integer))
        {
            var unsigned = Unsigned || Zerofill;
            var width = Arguments.Count > 0 ? Arguments[0] : unsigned ? integer.Unsigned : integer.Signed;
            var showWidth = dialect != SchemaDialect.MySql80 || Zerofill || (type == "tinyint" && Arguments.Count > 0 && width == 1);
            columnType = type + (showWidth ? $"({width.ToString(CultureInfo.InvariantCulture)})" : "") + unsignedSuffix;
            precision = unsigned ? integer.UnsignedPrecision : integer.Precision;
            scale = 0;
        }
        else
        {
            switch (type)
            {
                case "bit":
                {
                    var bits = Arguments.Count > 0 ? Arguments[0] : 1;
                    columnType = $"bit({bits.ToString(CultureInfo.InvariantCulture)})";
                    precision = bits;
                    break;
                }
                case "decimal":
                {
                    var m = Arguments.Count > 0 ? Arguments[0] : 10;
                    var d = Arguments.Count > 1 ? Arguments[1] : 0;
                    columnType = string.Create(CultureInfo.InvariantCulture, $"decimal({m},{d})") + unsignedSuffix;
                    precision = m;
                    scale = d;
                    break;
                }
                case "float" or "double":
                {
                    if (type == "float" && Arguments.Count == 1 && Arguments[0] > 24) dataType = type = "double";
                    if (Arguments.Count == 2)
                    {
                        columnType = $"{type}({Arg(0)},{Arg(1)})" + unsignedSuffix;
                        precision = Arguments[0];
                        scale = Arguments[1];
                    }
                    else
                    {
                        columnType = type + unsignedSuffix;
                        precision = type == "float" ? 12 : 22;
                    }
                    break;
                }
                case "char" or "binary":
                    columnType = $"{type}({(Arguments.Count > 0 ? Arg(0) : "1")})";
                    break;
                case "varchar" or "varbinary":
                    if (Arguments.Count == 0) throw new FormatException($"{type} without a length");
                    columnType = $"{type}({Arg(0)})";
                    break;
                case "tinytext" or "text" or "mediumtext" or "longtext" or "tinyblob" or "blob" or "mediumblob" or "longblob":
                    if (Arguments.Count > 0 && type is "text" or "blob")
                    {
                        // TEXT(n)/BLOB(n): the smallest type that holds n characters (bytes for BLOB).
                        var bytes = (long)Arguments[0] * (charset is null ? 1 : CharsetRules.MaxBytesPerChar(charset));
                        var blob = type == "blob";
                        type = bytes switch
                        {
                            <= 255 => blob ? "tinyblob" : "tinytext",
                            <= 65_535 => blob ? "blob" : "text",
                            <= 16_777_215 => blob ? "mediumblob" : "mediumtext",
                            _ => blob ? "longblob" : "longtext",
                        };
                    }
                    dataType = columnType = type;
                    break;
                case "date":
                    columnType = type;
                    break;
                case "time" or "datetime" or "timestamp":
                    fsp = Arguments.Count > 0 ? Arguments[0] : 0;
                    columnType = Arguments.Count > 0 ? $"{type}({Arg(0)})" : type;
                    break;
                case "year":
                    columnType = dialect == SchemaDialect.MySql80 ? "year" : "year(4)";
                    break;
                case "enum" or "set":
                    columnType = type + "(" + string.Join(",", Labels.Select(SqlLiteral.QuoteLabel)) + ")";
                    break;
                case "json":
                    if (dialect == SchemaDialect.MariaDb)
                    {
                        dataType = columnType = "longtext";
                        charset = "utf8mb4";
                        collation = "utf8mb4_bin";
                        isJson = true;
                    }
                    else
                    {
                        columnType = "json";
                    }
                    break;
                case "inet4" or "inet6" or "uuid":
                    columnType = type;
                    break;
                default:
                    if (!Spatial.Contains(type)) throw new FormatException($"unknown column type {type}");
                    if (type == "geometrycollection" && dialect == SchemaDialect.MySql80) dataType = "geomcollection";
                    columnType = dataType;
                    break;
            }
        }

        var extra = AutoIncrement || Serial ? "auto_increment" : Generated is null ? "" : Generated + " GENERATED";
        return new SourceColumn(
            Name: Name,
            Ordinal: 0,
            DataType: dataType,
            ColumnType: columnType,
            IsNullable: primaryKeyOrdinal == 0 && !Serial && Nullable != false
                        && (Nullable == true || dataType != "timestamp" || catalog.ExplicitDefaultsForTimestamp),
            CharacterSet: charset,
            Collation: collation,
            NumericPrecision: precision,
            NumericScale: scale,
            DateTimePrecision: fsp,
            Labels: type is "enum" or "set" ? [.. Labels] : [],
            PrimaryKeyOrdinal: primaryKeyOrdinal,
            IsJsonAlias: isJson || JsonCheck,
            Extra: extra);
    }

    /// <summary>
    /// The charset and collation of a text column or table: both named, one named (the other derived), or none (the
    /// defaults given).
    /// </summary>
    public static (string Charset, string Collation) ResolveCharset(
        string? charset, string? collation, CharsetCollation defaults, SchemaCatalog catalog)
    {
        if (charset is not null)
        {
            var c = CharsetRules.Normalize(charset);
            return (c, collation is null ? catalog.DefaultCollationOf(c) : Qualified(c, CharsetRules.NormalizeCollation(collation)));
        }
        if (collation is not null)
        {
            var normalized = CharsetRules.NormalizeCollation(collation);
            var owner = CharsetRules.CharsetOfCollation(normalized) ?? defaults.Charset;
            return (owner, Qualified(owner, normalized));
        }
        return (defaults.Charset, defaults.Collation);
    }

    /// <summary>MariaDB 11's charset-less collation names (<c>uca1400_ai_ci</c>) belong to the charset in context.</summary>
    private static string Qualified(string charset, string collation) =>
        CharsetRules.CharsetOfCollation(collation) is null && collation.StartsWith("uca1400_", StringComparison.Ordinal)
            ? charset + "_" + collation
            : collation;
}
