using System.Globalization;
using Sluice.Binlog.Events;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Schema;

/// <summary>
/// Moves a <see cref="SchemaCatalog"/> forward by one statement of the binlog, as the server did when it ran it: CREATE,
/// ALTER, RENAME, DROP and TRUNCATE TABLE and CREATE/ALTER/DROP DATABASE (see docs/schema-history.md for what each
/// clause does). Pure and total: it never throws on input SQL. A statement that is not DDL changes nothing; a DDL
/// statement it cannot apply leaves the tables it names unchanged and reports <see cref="TableEffect.NotUnderstood"/>.
/// Tables the catalog does not know are not tracked: ALTER, RENAME, DROP and TRUNCATE of them change nothing.
/// </summary>
public static class DdlApplier
{
    /// <summary>sql_mode bits that change how SQL is read (ANSI_QUOTES, NO_BACKSLASH_ESCAPES).</summary>
    private const ulong AnsiQuotesMode = 1UL << 2, NoBackslashEscapesMode = 1UL << 21;

    /// <summary>Applies a QUERY event: its SQL, its default database and the sql_mode it ran with.</summary>
    public static DdlApplied Apply(SchemaCatalog catalog, QueryEvent query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (ansiQuotes, noBackslashEscapes) = Modes(query);
        return Apply(catalog, query.Sql, query.Schema, ansiQuotes, noBackslashEscapes);
    }

    internal static (bool AnsiQuotes, bool NoBackslashEscapes) Modes(QueryEvent query)
    {
        var mode = query.StatusVariables.SqlMode ?? 0;
        return ((mode & AnsiQuotesMode) != 0, (mode & NoBackslashEscapesMode) != 0);
    }

    /// <param name="catalog">The definitions before the statement.</param>
    /// <param name="sql">One statement (a trailing ';' is allowed).</param>
    /// <param name="currentDatabase">The session's database (the QUERY event's schema) for unqualified names.</param>
    /// <param name="ansiQuotes">sql_mode ANSI_QUOTES.</param>
    /// <param name="noBackslashEscapes">sql_mode NO_BACKSLASH_ESCAPES.</param>
    public static DdlApplied Apply(
        SchemaCatalog catalog, string sql, string? currentDatabase, bool ansiQuotes = false, bool noBackslashEscapes = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (string.IsNullOrWhiteSpace(sql)) return new DdlApplied(catalog, []);
        var database = currentDatabase ?? "";
        var classification = DdlClassifier.Classify(sql, database, ansiQuotes, noBackslashEscapes);
        // The classifier ignores ALTER DATABASE (it changes no table), but its defaults matter to later tables.
        if (classification.Kind == DdlKind.Ignore && !IsAlterDatabase(sql, ansiQuotes, noBackslashEscapes)) return new DdlApplied(catalog, []);
        if (classification.Kind == DdlKind.Unknown && classification.Reason == "statement-based DML") return new DdlApplied(catalog, []);
        try
        {
            var tokens = SqlTokenizer.Tokenize(sql, ansiQuotes, noBackslashEscapes);
            while (tokens.Count > 0 && tokens[^1].IsSymbol(';')) tokens.RemoveAt(tokens.Count - 1);
            var parser = new Parser(tokens, database, catalog, noBackslashEscapes);
            return parser.Statement();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever goes wrong, the statement is reported as not understood: the caller re-reads and re-syncs.
            return NotUnderstood(catalog, classification, e.Message);
        }
    }

    private static bool IsAlterDatabase(string sql, bool ansiQuotes, bool noBackslashEscapes)
    {
        try
        {
            var tokens = SqlTokenizer.Tokenize(sql, ansiQuotes, noBackslashEscapes);
            return tokens.Count >= 2 && tokens[0].IsWord("ALTER") && (tokens[1].IsWord("DATABASE") || tokens[1].IsWord("SCHEMA"));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static DdlApplied NotUnderstood(SchemaCatalog catalog, DdlClassification classification, string reason)
    {
        var named = classification.Kind == DdlKind.DropDatabase && classification.Schema is { } schema
            ? catalog.Tables.Keys.Where(t => t.Schema == schema).ToList()
            : classification.Tables.ToList();
        if (classification.LikeTable is { } like && !named.Contains(like)) named.Add(like);
        var relevant = classification.Kind == DdlKind.CreateTable ? named.Take(1).ToList() : named.Where(catalog.Tables.ContainsKey).ToList();
        if (relevant.Count == 0)
        {
            // A statement that names no known table (e.g. an ALTER of an untracked table) changes nothing we track,
            // unless nothing at all could be read from it.
            return classification.Tables.Count == 0 && classification.Schema is null
                ? new DdlApplied(catalog, [new TableEffect.NotUnderstood(null, reason)])
                : new DdlApplied(catalog, []);
        }
        return new DdlApplied(catalog, [.. relevant.Select(t => (TableEffect)new TableEffect.NotUnderstood(t, reason))]);
    }

    private sealed class Parser(List<SqlToken> tokens, string database, SchemaCatalog catalog, bool noBackslashEscapes)
    {
        private int _i;
        private int _end = tokens.Count;

        // ---- token helpers (all bounded by _end) ----

        private SqlToken? Peek(int ahead = 0) => _i + ahead < _end ? tokens[_i + ahead] : null;

        private bool IsWord(string keyword, int ahead = 0) => Peek(ahead) is { } t && t.IsWord(keyword);

        private bool IsSymbol(char c, int ahead = 0) => Peek(ahead) is { } t && t.IsSymbol(c);

        private bool AtEnd => _i >= _end;

        private bool Accept(string keyword)
        {
            if (!IsWord(keyword)) return false;
            _i++;
            return true;
        }

        private bool Accept(string first, string second)
        {
            if (!IsWord(first) || !IsWord(second, 1)) return false;
            _i += 2;
            return true;
        }

        private bool AcceptSymbol(char c)
        {
            if (!IsSymbol(c)) return false;
            _i++;
            return true;
        }

        private void Expect(string keyword)
        {
            if (!Accept(keyword)) throw Error($"expected {keyword}");
        }

        private void ExpectSymbol(char c)
        {
            if (!AcceptSymbol(c)) throw Error($"expected '{c}'");
        }

        private FormatException Error(string what) => new(Peek() is { } t
            ? $"{what} at offset {t.Offset} ('{t.Text}')"
            : $"{what} at the end of the statement");

        private string Identifier()
        {
            if (Peek() is not { IsIdentifier: true } t) throw Error("expected a name");
            _i++;
            return t.Text;
        }

        /// <summary>A name or a string (charset and collation names may be quoted).</summary>
        private string NameOrString()
        {
            if (Peek() is { Kind: SqlTokenKind.String } s)
            {
                _i++;
                return SqlLiteral.Unquote(s.Text, noBackslashEscapes);
            }
            return Identifier();
        }

        private TableId TableName()
        {
            var first = Identifier();
            if (!AcceptSymbol('.')) return new TableId(database, first);
            return new TableId(first, Identifier());
        }

        private void SkipWait()
        {
            if (Accept("NOWAIT")) return;
            if (IsWord("WAIT") && Peek(1) is { Kind: SqlTokenKind.Word } n && n.Text.All(char.IsAsciiDigit)) _i += 2;
        }

        /// <summary>Skips a balanced parenthesised group starting at the current '('.</summary>
        private void SkipGroup()
        {
            ExpectSymbol('(');
            var depth = 1;
            while (depth > 0)
            {
                if (AtEnd) throw Error("unbalanced parentheses");
                var t = tokens[_i++];
                if (t.IsSymbol('(')) depth++;
                else if (t.IsSymbol(')')) depth--;
            }
        }

        /// <summary>The [start, end) ranges separated by commas at depth 0 of [from, to).</summary>
        private List<(int Start, int End)> SplitTopLevel(int from, int to)
        {
            var ranges = new List<(int, int)>();
            var depth = 0;
            var start = from;
            for (var k = from; k < to; k++)
            {
                if (tokens[k].IsSymbol('(')) depth++;
                else if (tokens[k].IsSymbol(')')) depth--;
                else if (tokens[k].IsSymbol(',') && depth == 0)
                {
                    ranges.Add((start, k));
                    start = k + 1;
                }
            }
            if (depth != 0) throw new FormatException("unbalanced parentheses");
            if (to > start) ranges.Add((start, to));
            return ranges;
        }

        /// <summary>The index of the ')' closing the '(' at <paramref name="open"/>.</summary>
        private int Closing(int open)
        {
            var depth = 0;
            for (var k = open; k < tokens.Count; k++)
            {
                if (tokens[k].IsSymbol('(')) depth++;
                else if (tokens[k].IsSymbol(')') && --depth == 0) return k;
            }
            throw new FormatException("unbalanced parentheses");
        }

        private void WithRange(int start, int end, Action action)
        {
            var (savedI, savedEnd) = (_i, _end);
            (_i, _end) = (start, end);
            try
            {
                action();
            }
            finally
            {
                (_i, _end) = (savedI, savedEnd);
            }
        }

        private static DdlApplied Result(SchemaCatalog after, params TableEffect[] effects) => new(after, effects);

        private DdlApplied NoOp() => new(catalog, []);

        // ---- statements ----

        public DdlApplied Statement()
        {
            if (IsWord("SET") && IsWord("STATEMENT", 1))
            {
                // MariaDB SET STATEMENT var = value [, ...] FOR statement
                var depth = 0;
                for (var k = _i + 2; k < _end; k++)
                {
                    if (tokens[k].IsSymbol('(')) depth++;
                    else if (tokens[k].IsSymbol(')')) depth--;
                    else if (depth == 0 && tokens[k].IsWord("FOR"))
                    {
                        _i = k + 1;
                        return Statement();
                    }
                }
                throw Error("SET STATEMENT without FOR");
            }
            if (Accept("CREATE")) return Create();
            if (Accept("ALTER")) return Alter();
            if (Accept("DROP")) return Drop();
            if (Accept("RENAME")) return RenameTables();
            if (Accept("TRUNCATE"))
            {
                Accept("TABLE");
                var table = TableName();
                return catalog.Tables.ContainsKey(table) ? Result(catalog, new TableEffect.Truncated(table)) : NoOp();
            }
            return NoOp();
        }

        private DdlApplied Create()
        {
            var orReplace = Accept("OR", "REPLACE");
            if (Accept("DATABASE") || Accept("SCHEMA"))
            {
                var ifNotExists = Accept("IF", "NOT");
                if (ifNotExists) Expect("EXISTS");
                var name = Identifier();
                if (ifNotExists && !orReplace && catalog.Databases.ContainsKey(name)) return NoOp();
                var (charset, collation) = DatabaseOptions(catalog.ServerDefaults);
                var after = catalog with { Databases = catalog.Databases.SetItem(name, new CharsetCollation(charset, collation)) };
                if (orReplace) after = DropDatabaseTables(after, name, out _);
                return Result(after);
            }
            if (!Accept("TABLE"))
            {
                // CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX: no change to columns.
                return NoOp();
            }
            var ifNot = Accept("IF", "NOT");
            if (ifNot) Expect("EXISTS");
            var id = TableName();
            if (ifNot && catalog.Tables.ContainsKey(id)) return NoOp();

            TableSchema schema;
            if (Accept("LIKE") || (IsSymbol('(') && IsWord("LIKE", 1) && AcceptSymbol('(') && Accept("LIKE")))
            {
                var source = TableName();
                var original = catalog.Table(source) ?? throw new FormatException($"CREATE TABLE ... LIKE of {source}, which is not known");
                schema = original.WithId(id);
            }
            else
            {
                schema = CreateTableBody(id);
            }
            return Result(catalog.WithTable(schema), new TableEffect.Defined(id, schema));
        }

        private (string Charset, string Collation) DatabaseOptions(CharsetCollation defaults)
        {
            string? charset = null, collation = null;
            while (!AtEnd)
            {
                if (Accept("DEFAULT")) continue;
                if (Accept("CHARACTER", "SET") || Accept("CHARSET"))
                {
                    AcceptSymbol('=');
                    charset = NameOrString();
                }
                else if (Accept("COLLATE"))
                {
                    AcceptSymbol('=');
                    collation = NameOrString();
                }
                else
                {
                    _i++;
                }
            }
            if (charset is not null && charset.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase)) charset = null;
            return ColumnDefinition.ResolveCharset(charset, collation, defaults, catalog);
        }

        private TableSchema CreateTableBody(TableId id)
        {
            if (!IsSymbol('(')) throw Error("CREATE TABLE without a column list (CREATE TABLE ... SELECT?)");
            var open = _i;
            var close = Closing(open);
            var columns = new List<ColumnDefinition>();
            var key = new List<string>();
            foreach (var (start, end) in SplitTopLevel(open + 1, close))
            {
                WithRange(start, end, () => CreateElement(columns, key));
            }
            _i = close + 1;
            var defaults = TableOptions(catalog.DatabaseDefaults(id.Schema), out var selectFound);
            if (selectFound) throw new FormatException("CREATE TABLE ... SELECT: the columns come from a query");
            foreach (var c in columns.Where(c => c.PrimaryKey)) key = [c.Name];
            return Build(id, columns, key, defaults);
        }

        private TableSchema Build(TableId id, List<ColumnDefinition> columns, List<string> key, CharsetCollation defaults)
        {
            var built = columns.Select(c => c.Build(defaults, catalog, KeyOrdinal(key, c.Name))).ToList();
            return TableSchema.Create(id, built, defaults);
        }

        private static int KeyOrdinal(List<string> key, string column)
        {
            for (var k = 0; k < key.Count; k++)
            {
                if (string.Equals(key[k], column, StringComparison.OrdinalIgnoreCase)) return k + 1;
            }
            return 0;
        }

        /// <summary>One element of CREATE TABLE's list: a column, a key, a constraint, a period.</summary>
        private void CreateElement(List<ColumnDefinition> columns, List<string> key)
        {
            if (Peek() is { Kind: SqlTokenKind.Word } w)
            {
                var word = w.Text.ToUpperInvariant();
                if (word == "CONSTRAINT")
                {
                    _i++;
                    if (!IsWord("PRIMARY") && !IsWord("UNIQUE") && !IsWord("FOREIGN") && !IsWord("CHECK")) Identifier();
                    if (Accept("PRIMARY"))
                    {
                        ReadKey(key);
                    }
                    else if (Accept("CHECK"))
                    {
                        MarkJsonCheck(columns);
                    }
                    return;
                }
                if (word == "CHECK")
                {
                    _i++;
                    MarkJsonCheck(columns);
                    return;
                }
                if (word == "PRIMARY")
                {
                    _i++;
                    ReadKey(key);
                    return;
                }
                // PERIOD is not reserved: a column may be called period.
                if (word is "KEY" or "INDEX" or "UNIQUE" or "FULLTEXT" or "SPATIAL" or "FOREIGN" or "CHECK"
                    || (word == "PERIOD" && IsWord("FOR", 1)))
                {
                    return;
                }
            }
            columns.Add(ColumnDefinitionHere(allowPlacement: false));
        }

        /// <summary>A table-level <c>CHECK (json_valid(col))</c> makes that column MariaDB's JSON alias.</summary>
        private void MarkJsonCheck(List<ColumnDefinition> columns)
        {
            if (JsonValidCheck() is not { } name) return;
            foreach (var c in columns.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))) c.JsonCheck = true;
        }

        /// <summary>At <c>(json_valid(col))</c>: consumes it and returns the column; otherwise skips the group and returns null.</summary>
        private string? JsonValidCheck()
        {
            if (IsSymbol('(') && IsWord("json_valid", 1) && IsSymbol('(', 2) && Peek(3) is { IsIdentifier: true } column
                && IsSymbol(')', 4) && IsSymbol(')', 5))
            {
                _i += 6;
                return column.Text;
            }
            if (IsSymbol('(')) SkipGroup();
            return null;
        }

        /// <summary>After PRIMARY: <c>KEY [name] [USING x] (col [(len)] [ASC|DESC], ...)</c>.</summary>
        private void ReadKey(List<string> key)
        {
            Expect("KEY");
            while (!AtEnd && !IsSymbol('(')) _i++;
            var open = _i;
            var close = Closing(open);
            key.Clear();
            foreach (var (start, _) in SplitTopLevel(open + 1, close))
            {
                key.Add(tokens[start].IsIdentifier ? tokens[start].Text : throw new FormatException("a primary key part that is not a column"));
            }
            _i = close + 1;
        }

        /// <summary>Table options; returns the table's default charset/collation. Stops at PARTITION.</summary>
        private CharsetCollation TableOptions(CharsetCollation inherited, out bool selectFound)
        {
            selectFound = false;
            string? charset = null, collation = null;
            while (!AtEnd)
            {
                if (IsWord("SELECT") || IsWord("AS") || (IsSymbol('(') && IsWord("SELECT", 1)) || IsWord("WITH"))
                {
                    selectFound = true;
                    break;
                }
                if (IsWord("IGNORE") || IsWord("REPLACE"))
                {
                    _i++;
                    continue;
                }
                if (IsWord("PARTITION")) break;
                if (Accept("CHARACTER", "SET") || Accept("CHARSET"))
                {
                    AcceptSymbol('=');
                    charset = NameOrString();
                    continue;
                }
                if (Accept("COLLATE"))
                {
                    AcceptSymbol('=');
                    collation = NameOrString();
                    continue;
                }
                _i++;
            }
            if (charset is not null && charset.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase)) charset = null;
            if (charset is null && collation is null) return inherited;
            var (cs, co) = ColumnDefinition.ResolveCharset(charset, collation, inherited, catalog);
            return new CharsetCollation(cs, co);
        }

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
                        if (tokens[k].Kind == SqlTokenKind.Word && tokens[k].Text.StartsWith('_')) k++; // charset introducer
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

        // ---- ALTER ----

        private DdlApplied Alter()
        {
            Accept("ONLINE");
            Accept("OFFLINE");
            Accept("IGNORE");
            if (Accept("DATABASE") || Accept("SCHEMA"))
            {
                string name;
                if (AtEnd || IsWord("DEFAULT") || IsWord("CHARACTER") || IsWord("CHARSET") || IsWord("COLLATE"))
                {
                    name = database;
                }
                else
                {
                    name = Identifier();
                }
                if (IsWord("UPGRADE")) return NoOp();
                var current = catalog.DatabaseDefaults(name);
                var (charset, collation) = DatabaseOptions(current);
                return Result(catalog with { Databases = catalog.Databases.SetItem(name, new CharsetCollation(charset, collation)) });
            }
            if (!Accept("TABLE")) return NoOp();
            Accept("IF", "EXISTS");
            var id = TableName();
            SkipWait();
            if (catalog.Table(id) is not { } table) return NoOp();
            var state = new AlterState(table);
            TableId? renameTo = null;
            var previousWasPartition = false;
            foreach (var (start, end) in SplitTopLevel(_i, _end))
            {
                // DROP/TRUNCATE PARTITION p0, p1: the later names continue the partition list.
                if (end - start == 1 && tokens[start].IsIdentifier && previousWasPartition) continue;
                previousWasPartition = false;
                WithRange(start, end, () => AlterClause(state, ref renameTo, ref previousWasPartition));
            }
            if (table.HasHiddenColumns && state.Changes.Count > 0)
            {
                // The positions of the hidden columns relative to the changed ones are unknown: re-read the table.
                throw new FormatException($"{id} has columns hidden from the replication user; its columns changed");
            }
            var schema = state.Build(this);
            var after = catalog;
            var effects = new List<TableEffect>();
            var changed = state.Changes.Count > 0 || schema.Defaults != table.Defaults
                          || !schema.Table.PrimaryKey.SequenceEqual(table.Table.PrimaryKey, StringComparer.Ordinal);
            if (changed)
            {
                after = after.WithTable(schema);
                effects.Add(new TableEffect.Altered(id, schema, state.Changes));
            }
            if (renameTo is { } to && to != id)
            {
                after = after.WithoutTable(id).WithTable(schema.WithId(to));
                effects.Add(new TableEffect.Renamed(id, to));
            }
            return new DdlApplied(after, effects);
        }

        /// <summary>The working copy of a table during one ALTER TABLE.</summary>
        private sealed class AlterState
        {
            public AlterState(TableSchema table)
            {
                Id = table.Id;
                Columns = [.. table.Columns];
                Key = [.. table.Table.PrimaryKey];
                Defaults = table.Defaults;
                Engine = table.Table.Engine;
            }

            public TableId Id { get; }
            public List<SourceColumn> Columns { get; }
            public List<string> Key { get; set; }
            public CharsetCollation Defaults { get; set; }
            public string? Engine { get; }
            public List<ColumnChange> Changes { get; } = [];

            public int IndexOf(string name) => Columns.FindIndex(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

            public int Require(string name)
            {
                var index = IndexOf(name);
                return index >= 0 ? index : throw new FormatException($"column {name} is not in {Id}");
            }

            public void Place(SourceColumn column, ColumnPlacement? placement, int defaultIndex)
            {
                if (placement is null) Columns.Insert(Math.Min(defaultIndex, Columns.Count), column);
                else if (placement.First) Columns.Insert(0, column);
                else Columns.Insert(Require(placement.After!) + 1, column);
            }

            public TableSchema Build(Parser _)
            {
                var keyed = Columns.Select(c =>
                {
                    var ordinal = KeyOrdinal(Key, c.Name);
                    return c with { PrimaryKeyOrdinal = ordinal, IsNullable = ordinal == 0 && c.IsNullable };
                });
                return TableSchema.Create(Id, keyed, Defaults, Engine);
            }
        }

        private static readonly HashSet<string> NoOpClauses = new(StringComparer.OrdinalIgnoreCase)
        {
            "ENGINE", "AUTO_INCREMENT", "COMMENT", "ROW_FORMAT", "KEY_BLOCK_SIZE", "AVG_ROW_LENGTH", "MAX_ROWS", "MIN_ROWS",
            "CHECKSUM", "PACK_KEYS", "DELAY_KEY_WRITE", "FORCE", "ALGORITHM", "LOCK", "ORDER", "ENABLE", "DISABLE", "WITH",
            "WITHOUT", "STATS_PERSISTENT", "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES", "PAGE_CHECKSUM", "PAGE_COMPRESSED",
            "PAGE_COMPRESSION_LEVEL", "TRANSACTIONAL", "ENCRYPTED", "ENCRYPTION", "ENCRYPTION_KEY_ID", "IETF_QUOTES",
            "COMPRESSION", "CONNECTION", "DATA", "INDEX", "INSERT_METHOD", "PASSWORD", "STORAGE", "TABLESPACE", "UNION",
            "SECONDARY_ENGINE", "SECONDARY_ENGINE_ATTRIBUTE", "ENGINE_ATTRIBUTE", "AUTOEXTEND_SIZE", "VALIDATION",
            "COALESCE", "REORGANIZE", "REBUILD", "REMOVE", "OPTIMIZE", "ANALYZE", "CHECK", "REPAIR", "PARTITION", "UPGRADE",
        };

        private void AlterClause(AlterState state, ref TableId? renameTo, ref bool partitionList)
        {
            if (AtEnd) throw Error("an empty ALTER TABLE clause");
            var word = Peek()!.Value.Kind == SqlTokenKind.Word ? Peek()!.Value.Text.ToUpperInvariant() : "";
            switch (word)
            {
                case "ADD":
                    _i++;
                    AlterAdd(state);
                    return;
                case "DROP":
                    _i++;
                    partitionList = IsWord("PARTITION");
                    AlterDrop(state);
                    return;
                case "MODIFY":
                {
                    _i++;
                    Accept("COLUMN");
                    var ifExists = Accept("IF", "EXISTS");
                    var name = Peek() is { IsIdentifier: true } n ? n.Text : throw Error("expected a column");
                    var index = state.IndexOf(name);
                    if (index < 0 && ifExists) return;
                    ReplaceColumn(state, state.Require(name), ColumnDefinitionHere(allowPlacement: true));
                    return;
                }
                case "CHANGE":
                {
                    _i++;
                    Accept("COLUMN");
                    var ifExists = Accept("IF", "EXISTS");
                    var old = Identifier();
                    if (state.IndexOf(old) < 0 && ifExists) return;
                    ReplaceColumn(state, state.Require(old), ColumnDefinitionHere(allowPlacement: true));
                    return;
                }
                case "RENAME":
                {
                    _i++;
                    if (Accept("COLUMN"))
                    {
                        var from = Identifier();
                        Expect("TO");
                        var to = Identifier();
                        var index = state.Require(from);
                        state.Columns[index] = state.Columns[index] with { Name = to };
                        RenameInKey(state, from, to);
                        state.Changes.Add(new ColumnChange(ColumnChangeKind.Renamed, from, to));
                        return;
                    }
                    if (Accept("INDEX") || Accept("KEY")) return;
                    if (!Accept("TO") && !Accept("AS")) AcceptSymbol('=');
                    renameTo = TableName();
                    return;
                }
                case "ALTER":
                    // ALTER [COLUMN] c SET/DROP DEFAULT, SET [IN]VISIBLE; ALTER INDEX/CHECK/CONSTRAINT: no shape change.
                    return;
                case "CONVERT":
                {
                    _i++;
                    if (!Accept("TO")) throw new FormatException("rows change without row events (CONVERT PARTITION/TABLE)");
                    if (!Accept("CHARACTER", "SET")) Expect("CHARSET");
                    AcceptSymbol('=');
                    var charset = NameOrString();
                    string? collation = null;
                    if (Accept("COLLATE"))
                    {
                        AcceptSymbol('=');
                        collation = NameOrString();
                    }
                    var defaults = charset.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase)
                        ? catalog.DatabaseDefaults(state.Id.Schema)
                        : ToPair(ColumnDefinition.ResolveCharset(charset, collation, state.Defaults, catalog));
                    ConvertTo(state, defaults);
                    return;
                }
                case "DEFAULT" or "CHARACTER" or "CHARSET" or "COLLATE":
                    state.Defaults = TableOptions(state.Defaults, out _);
                    return;
                case "TRUNCATE" or "EXCHANGE" or "DISCARD" or "IMPORT":
                    throw new FormatException($"rows change without row events ({word})");
            }
            if (NoOpClauses.Contains(word))
            {
                partitionList = word is "COALESCE" or "REORGANIZE" or "REBUILD" or "OPTIMIZE" or "ANALYZE" or "CHECK" or "REPAIR";
                // Options may follow each other without commas: a charset among them changes the table default.
                state.Defaults = TableOptions(state.Defaults, out _);
                return;
            }
            throw Error("an ALTER TABLE clause not understood");
        }

        private static CharsetCollation ToPair((string Charset, string Collation) value) => new(value.Charset, value.Collation);

        private void AlterAdd(AlterState state)
        {
            if (Accept("PRIMARY"))
            {
                ReadKey(state.Key);
                return;
            }
            if (Accept("CONSTRAINT"))
            {
                if (Peek() is { IsIdentifier: true } && !IsWord("PRIMARY") && !IsWord("UNIQUE") && !IsWord("FOREIGN") && !IsWord("CHECK")) _i++;
                if (Accept("PRIMARY")) ReadKey(state.Key);
                return;
            }
            if (IsWord("INDEX") || IsWord("KEY") || IsWord("UNIQUE") || IsWord("FULLTEXT") || IsWord("SPATIAL") || IsWord("FOREIGN")
                || IsWord("CHECK") || IsWord("PARTITION") || (IsWord("PERIOD") && IsWord("FOR", 1)))
            {
                return;
            }
            if (IsWord("SYSTEM") && IsWord("VERSIONING", 1)) throw new FormatException("ADD SYSTEM VERSIONING adds hidden columns");
            Accept("COLUMN");
            var ifNotExists = Accept("IF", "NOT");
            if (ifNotExists) Expect("EXISTS");
            if (IsSymbol('('))
            {
                var open = _i;
                var close = Closing(open);
                foreach (var (start, end) in SplitTopLevel(open + 1, close))
                {
                    WithRange(start, end, () => AddColumn(state, ColumnDefinitionHere(allowPlacement: false), ifNotExists));
                }
                _i = close + 1;
                return;
            }
            AddColumn(state, ColumnDefinitionHere(allowPlacement: true), ifNotExists);
        }

        private void AddColumn(AlterState state, ColumnDefinition definition, bool ifNotExists)
        {
            if (state.IndexOf(definition.Name) >= 0)
            {
                if (ifNotExists) return;
                throw new FormatException($"column {definition.Name} is already in {state.Id}");
            }
            if (definition.PrimaryKey) state.Key = [definition.Name];
            var column = definition.Build(state.Defaults, catalog, 0);
            state.Place(column, definition.Placement, state.Columns.Count);
            state.Changes.Add(new ColumnChange(ColumnChangeKind.Added, definition.Name));
        }

        private void ReplaceColumn(AlterState state, int index, ColumnDefinition definition)
        {
            var old = state.Columns[index];
            var column = definition.Build(state.Defaults, catalog, 0);
            state.Columns.RemoveAt(index);
            state.Place(column, definition.Placement, index);
            RenameInKey(state, old.Name, definition.Name);
            if (definition.PrimaryKey) state.Key = [definition.Name];
            var renamed = !string.Equals(old.Name, definition.Name, StringComparison.Ordinal);
            state.Changes.Add(new ColumnChange(ColumnChangeKind.Modified, old.Name, renamed ? definition.Name : null));
        }

        private static void RenameInKey(AlterState state, string from, string to)
        {
            for (var k = 0; k < state.Key.Count; k++)
            {
                if (string.Equals(state.Key[k], from, StringComparison.OrdinalIgnoreCase)) state.Key[k] = to;
            }
        }

        private void AlterDrop(AlterState state)
        {
            if (Accept("PRIMARY"))
            {
                Expect("KEY");
                state.Key = [];
                return;
            }
            if (IsWord("PARTITION")) throw new FormatException("rows change without row events (DROP PARTITION)");
            if (IsWord("INDEX") || IsWord("KEY") || IsWord("FOREIGN") || IsWord("CONSTRAINT") || IsWord("CHECK")
                || (IsWord("PERIOD") && IsWord("FOR", 1))
                || IsWord("DEFAULT"))
            {
                return;
            }
            if (IsWord("SYSTEM") && IsWord("VERSIONING", 1)) throw new FormatException("DROP SYSTEM VERSIONING removes hidden columns");
            Accept("COLUMN");
            var ifExists = Accept("IF", "EXISTS");
            var name = Identifier();
            var index = state.IndexOf(name);
            if (index < 0)
            {
                if (ifExists) return;
                throw new FormatException($"column {name} is not in {state.Id}");
            }
            state.Columns.RemoveAt(index);
            // A dropped column leaves the key; the key goes when its last column does.
            state.Key.RemoveAll(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            state.Changes.Add(new ColumnChange(ColumnChangeKind.Dropped, name));
        }

        /// <summary>
        /// CONVERT TO CHARACTER SET: every text column (CHAR, VARCHAR, TEXT types, ENUM, SET) takes the charset and
        /// collation, and a TEXT type grows to the smallest type that still holds as many characters as before (as
        /// the server does: a latin1 TEXT becomes a utf8mb4 MEDIUMTEXT). The table default changes too.
        /// </summary>
        private void ConvertTo(AlterState state, CharsetCollation target)
        {
            state.Defaults = target;
            for (var k = 0; k < state.Columns.Count; k++)
            {
                var column = state.Columns[k];
                if (column.CharacterSet is null) continue; // MariaDB converts its JSON (LONGTEXT) columns too
                var type = column.DataType;
                if (type is "tinytext" or "text" or "mediumtext")
                {
                    long maxBytes = type switch { "tinytext" => 255, "text" => 65_535, _ => 16_777_215 };
                    var chars = maxBytes / CharsetRules.MaxBytesPerChar(column.CharacterSet);
                    var bytes = chars * CharsetRules.MaxBytesPerChar(target.Charset);
                    type = bytes switch
                    {
                        <= 255 => "tinytext",
                        <= 65_535 => "text",
                        <= 16_777_215 => "mediumtext",
                        _ => "longtext",
                    };
                }
                var converted = column with
                {
                    DataType = type,
                    ColumnType = column.DataType == type ? column.ColumnType : type,
                    CharacterSet = target.Charset,
                    Collation = target.Collation,
                };
                if (converted != column)
                {
                    state.Columns[k] = converted;
                    state.Changes.Add(new ColumnChange(ColumnChangeKind.Modified, column.Name));
                }
            }
        }

        // ---- DROP / RENAME ----

        private DdlApplied Drop()
        {
            if (Accept("DATABASE") || Accept("SCHEMA"))
            {
                Accept("IF", "EXISTS");
                var name = Identifier();
                var after = DropDatabaseTables(catalog, name, out var dropped);
                after = after with { Databases = after.Databases.Remove(name) };
                return new DdlApplied(after, [.. dropped.Select(t => (TableEffect)new TableEffect.Dropped(t))]);
            }
            if (IsWord("INDEX") || IsWord("ONLINE") || IsWord("OFFLINE"))
            {
                Accept("ONLINE");
                Accept("OFFLINE");
                Expect("INDEX");
                Accept("IF", "EXISTS");
                var index = Identifier();
                SkipWait();
                Expect("ON");
                var id = TableName();
                if (!index.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase) || catalog.Table(id) is not { } table) return NoOp();
                var state = new AlterState(table) { Key = [] };
                var schema = state.Build(this);
                return Result(catalog.WithTable(schema), new TableEffect.Altered(id, schema, []));
            }
            if (!Accept("TABLE") && !Accept("TABLES")) return NoOp();
            Accept("IF", "EXISTS");
            var current = catalog;
            var effects = new List<TableEffect>();
            do
            {
                var id = TableName();
                if (!current.Tables.ContainsKey(id)) continue;
                current = current.WithoutTable(id);
                effects.Add(new TableEffect.Dropped(id));
            }
            while (AcceptSymbol(','));
            return new DdlApplied(current, effects);
        }

        private static SchemaCatalog DropDatabaseTables(SchemaCatalog catalog, string name, out List<TableId> dropped)
        {
            dropped = [.. catalog.Tables.Keys.Where(t => t.Schema == name).OrderBy(t => t.Name, StringComparer.Ordinal)];
            return catalog with { Tables = catalog.Tables.RemoveRange(dropped) };
        }

        private DdlApplied RenameTables()
        {
            if (!Accept("TABLE") && !Accept("TABLES")) return NoOp();
            Accept("IF", "EXISTS");
            var current = catalog;
            var effects = new List<TableEffect>();
            do
            {
                var from = TableName();
                SkipWait();
                Expect("TO");
                var to = TableName();
                if (current.Table(from) is not { } table) continue;
                current = current.WithoutTable(from).WithTable(table.WithId(to));
                effects.Add(new TableEffect.Renamed(from, to));
            }
            while (AcceptSymbol(','));
            return new DdlApplied(current, effects);
        }
    }
}
