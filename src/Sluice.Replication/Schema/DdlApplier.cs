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
public static partial class DdlApplier
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

    private sealed partial class Parser(List<SqlToken> tokens, string database, SchemaCatalog catalog, bool noBackslashEscapes)
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
