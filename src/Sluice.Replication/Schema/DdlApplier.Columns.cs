using System.Globalization;

namespace Sluice.Replication.Schema;

public static partial class DdlApplier
{
    /// <summary>Column definitions: types, lengths, charsets, labels and attributes.</summary>
    private sealed partial class Parser
    {
        // ---- column definitions ----

        private static readonly Dictionary<string, string> TypeSynonyms = new(StringComparer.OrdinalIgnoreCase)
        {
            ["int1"] = "tinyint", ["int2"] = "smallint", ["int3"] = "mediumint", ["middleint"] = "mediumint",
            ["integer"] = "int", ["int4"] = "int", ["int8"] = "bigint", ["dec"] = "decimal", ["numeric"] = "decimal",
            ["fixed"] = "decimal", ["float4"] = "float", ["float8"] = "double", ["real"] = "double",
            ["character"] = "char", ["nchar"] = "char", ["nvarchar"] = "varchar", ["varcharacter"] = "varchar",
            ["geomcollection"] = "geometrycollection",
        };

        private static readonly HashSet<string> TypeNames = new(StringComparer.OrdinalIgnoreCase)
        {
            "tinyint", "smallint", "mediumint", "int", "bigint", "bit", "decimal", "float", "double", "char", "varchar",
            "binary", "varbinary", "tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob", "mediumblob",
            "longblob", "date", "time", "datetime", "timestamp", "year", "enum", "set", "json", "geometry", "point",
            "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection", "inet4",
            "inet6", "uuid", "bool", "boolean", "serial", "long", "national",
        };

        /// <summary><c>name type attributes... [FIRST | AFTER col]</c> over the current range.</summary>
        private ColumnDefinition ColumnDefinitionHere(bool allowPlacement)
        {
            var name = Identifier();
            var definition = DataType(name);
            Attributes(definition, allowPlacement);
            return definition;
        }

        private ColumnDefinition DataType(string name)
        {
            if (Peek() is not { Kind: SqlTokenKind.Word } t) throw Error($"expected the type of column {name}");
            _i++;
            var raw = t.Text.ToLowerInvariant();
            var national = false;
            if (raw == "national")
            {
                national = true;
                if (Peek() is not { Kind: SqlTokenKind.Word } n) throw Error("expected a type after NATIONAL");
                _i++;
                raw = n.Text.ToLowerInvariant();
            }
            if (raw is "nchar" or "nvarchar") national = true;
            var typeName = TypeSynonyms.GetValueOrDefault(raw, raw);
            if (!TypeNames.Contains(typeName)) throw new FormatException($"unknown type {t.Text} of column {name}");

            var definition = new ColumnDefinition { Name = name, TypeName = typeName };
            switch (typeName)
            {
                case "double":
                    Accept("PRECISION");
                    break;
                case "char" when Accept("VARYING"):
                    definition.TypeName = "varchar";
                    break;
                case "long":
                    definition.TypeName = Accept("VARBINARY") ? "mediumblob" : "mediumtext";
                    if (definition.TypeName == "mediumtext") Accept("VARCHAR");
                    break;
                case "bool" or "boolean":
                    definition.TypeName = "tinyint";
                    definition.Arguments.Add(1);
                    return definition;
                case "serial":
                    definition.TypeName = "bigint";
                    definition.Unsigned = true;
                    definition.Serial = true;
                    definition.Nullable = false;
                    return definition;
            }
            if (national) definition.Charset = "utf8mb3";

            if (IsSymbol('('))
            {
                var open = _i;
                var close = Closing(open);
                if (definition.TypeName is "enum" or "set")
                {
                    foreach (var (start, end) in SplitTopLevel(open + 1, close))
                    {
                        var k = start;
                        // A charset introducer (_latin1'x') or the national prefix (N'x').
                        if (tokens[k].Kind == SqlTokenKind.Word && (tokens[k].Text.StartsWith('_') || tokens[k].Text is "N" or "n")) k++;
                        if (k != end - 1 || tokens[k].Kind != SqlTokenKind.String) throw new FormatException($"a label of {name} that is not a string");
                        // Trailing spaces of ENUM/SET labels are removed by the server.
                        definition.Labels.Add(SqlLiteral.Unquote(tokens[k].Text, noBackslashEscapes).TrimEnd(' '));
                    }
                }
                else
                {
                    foreach (var (start, end) in SplitTopLevel(open + 1, close))
                    {
                        if (end != start + 1 || !int.TryParse(tokens[start].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                        {
                            throw new FormatException($"a type argument of {name} that is not a number");
                        }
                        definition.Arguments.Add(n);
                    }
                }
                _i = close + 1;
            }
            return definition;
        }

        /// <summary>Column attributes up to the end of the range; unknown words are skipped (they do not change the shape).</summary>
        private void Attributes(ColumnDefinition c, bool allowPlacement)
        {
            while (!AtEnd)
            {
                var t = Peek()!.Value;
                if (t.IsSymbol('('))
                {
                    SkipGroup();
                    continue;
                }
                if (t.Kind != SqlTokenKind.Word)
                {
                    _i++;
                    continue;
                }
                switch (t.Text.ToUpperInvariant())
                {
                    case "UNSIGNED":
                        _i++;
                        c.Unsigned = true;
                        break;
                    case "SIGNED":
                        _i++;
                        break;
                    case "ZEROFILL":
                        _i++;
                        c.Zerofill = true;
                        break;
                    case "BINARY" or "BYTE":
                        _i++;
                        if (c.TypeName is "char" && t.Text.Equals("BYTE", StringComparison.OrdinalIgnoreCase)) c.TypeName = "binary";
                        else c.BinaryCollation = true;
                        break;
                    case "ASCII":
                        _i++;
                        c.Charset = "latin1";
                        break;
                    case "UNICODE":
                        _i++;
                        c.Charset = "ucs2";
                        break;
                    case "CHARACTER" when IsWord("SET", 1):
                        _i += 2;
                        c.Charset = NameOrString();
                        break;
                    case "CHARSET":
                        _i++;
                        c.Charset = NameOrString();
                        break;
                    case "COLLATE":
                        _i++;
                        c.Collation = NameOrString();
                        break;
                    case "NOT" when IsWord("NULL", 1):
                        _i += 2;
                        c.Nullable = false;
                        break;
                    case "NULL":
                        _i++;
                        c.Nullable = true;
                        break;
                    case "DEFAULT" or "ON":
                        // DEFAULT value / ON UPDATE value: skip the value so that a NULL in it is not read as an attribute.
                        _i++;
                        Accept("UPDATE");
                        SkipValue();
                        break;
                    case "COMMENT":
                        _i++;
                        if (Peek() is { Kind: SqlTokenKind.String }) _i++;
                        break;
                    case "AUTO_INCREMENT":
                        _i++;
                        c.AutoIncrement = true;
                        break;
                    case "PRIMARY":
                        _i++;
                        Accept("KEY");
                        c.PrimaryKey = true;
                        break;
                    case "UNIQUE":
                        _i++;
                        Accept("KEY");
                        break;
                    case "KEY":
                        // A bare KEY attribute is PRIMARY KEY.
                        _i++;
                        c.PrimaryKey = true;
                        break;
                    case "GENERATED":
                        _i++;
                        Accept("ALWAYS");
                        break;
                    case "AS":
                        _i++;
                        if (IsSymbol('(')) SkipGroup();
                        c.Generated ??= "VIRTUAL";
                        break;
                    case "VIRTUAL":
                        _i++;
                        c.Generated = "VIRTUAL";
                        break;
                    case "STORED" or "PERSISTENT":
                        _i++;
                        c.Generated = "STORED";
                        break;
                    case "CHECK":
                        _i++;
                        if (JsonValidCheck() is { } checkedColumn && string.Equals(checkedColumn, c.Name, StringComparison.OrdinalIgnoreCase))
                        {
                            c.JsonCheck = true;
                        }
                        break;
                    case "REFERENCES":
                        // REFERENCES tbl (cols) [MATCH ...] [ON DELETE ...]: nothing after it concerns the column.
                        _i = _end;
                        break;
                    case "FIRST" when allowPlacement:
                        _i++;
                        c.Placement = new ColumnPlacement(true, null);
                        break;
                    case "AFTER" when allowPlacement:
                        _i++;
                        c.Placement = new ColumnPlacement(false, Identifier());
                        break;
                    case "COLUMN_FORMAT" or "STORAGE" or "SRID":
                        _i += 2;
                        break;
                    default:
                        _i++;
                        break;
                }
            }
            if (c.Generated is not null && c.AutoIncrement) throw new FormatException($"generated column {c.Name} with AUTO_INCREMENT");
        }

        /// <summary>A DEFAULT/ON UPDATE value: a literal, a signed number, a function call or a parenthesised expression.</summary>
        private void SkipValue()
        {
            while (IsSymbol('-') || IsSymbol('+')) _i++;
            if (IsSymbol('('))
            {
                SkipGroup();
                return;
            }
            if (Peek() is not { } t) return;
            _i++;
            if (t.Kind == SqlTokenKind.String)
            {
                while (Peek() is { Kind: SqlTokenKind.String }) _i++; // adjacent strings concatenate
                return;
            }
            if (t.Kind != SqlTokenKind.Word) return;
            if (Peek() is { Kind: SqlTokenKind.String })
            {
                _i++; // _charset'x', x'0A', b'01', N'x'
                return;
            }
            if (IsSymbol('('))
            {
                SkipGroup(); // CURRENT_TIMESTAMP(6), NOW()
                return;
            }
            var last = t.Text;
            if (IsSymbol('.') && Peek(1) is { Kind: SqlTokenKind.Word } fraction)
            {
                _i += 2;
                last = fraction.Text;
            }
            if ((last.EndsWith('e') || last.EndsWith('E')) && char.IsAsciiDigit(last[0]) && (IsSymbol('-') || IsSymbol('+'))
                && Peek(1) is { Kind: SqlTokenKind.Word })
            {
                _i += 2;
            }
        }
    }
}
