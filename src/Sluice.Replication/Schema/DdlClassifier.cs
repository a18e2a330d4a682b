using Sluice.Binlog.Events;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Schema;

/// <summary>
/// Classifies the SQL of a QUERY event (DDL, transaction control, statement-based DML...) by what it does to tables:
/// see <see cref="DdlKind"/> and <see cref="AlterHints"/>.
/// <para>
/// Handles backquoted identifiers (with doubled backquotes inside), double-quoted identifiers under ANSI_QUOTES,
/// qualified and unqualified names (the event's default schema qualifies the latter), comments (<c>/* */</c>,
/// <c>-- </c>, <c>#</c>; executable <c>/*! */</c> and <c>/*M! */</c> comments count as SQL), case-insensitive
/// keywords, <c>IF [NOT] EXISTS</c>, MariaDB <c>CREATE OR REPLACE</c>, <c>ALTER ONLINE/IGNORE TABLE</c>,
/// <c>WAIT n</c>/<c>NOWAIT</c>, several tables in DROP and RENAME, <c>CREATE TABLE ... LIKE/SELECT</c>, and
/// temporary tables (ignored: they are never replicated). A statement that concerns tables but cannot be parsed is
/// <see cref="DdlKind.Unknown"/> with the tables it appears to name.
/// </para>
/// </summary>
public static class DdlClassifier
{
    /// <summary>sql_mode bits that change how SQL is read (MySQL/MariaDB MODE_ANSI_QUOTES, MODE_NO_BACKSLASH_ESCAPES).</summary>
    private const ulong AnsiQuotesMode = 1UL << 2, NoBackslashEscapesMode = 1UL << 21;

    /// <summary>Classifies a QUERY event (its SQL, default schema and sql_mode).</summary>
    public static DdlClassification Classify(QueryEvent query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var mode = query.StatusVariables.SqlMode ?? 0;
        return Classify(query.Sql, query.Schema, (mode & AnsiQuotesMode) != 0, (mode & NoBackslashEscapesMode) != 0);
    }

    /// <summary>Classifies one statement.</summary>
    /// <param name="sql">The statement (a trailing ';' is allowed).</param>
    /// <param name="defaultSchema">The session's current database (the event's schema); null or empty when none.</param>
    /// <param name="ansiQuotes">sql_mode ANSI_QUOTES: "..." quotes identifiers, not strings.</param>
    /// <param name="noBackslashEscapes">sql_mode NO_BACKSLASH_ESCAPES: '\' is an ordinary character in strings.</param>
    public static DdlClassification Classify(string sql, string? defaultSchema, bool ansiQuotes = false, bool noBackslashEscapes = false)
    {
        ArgumentNullException.ThrowIfNull(sql);
        List<SqlToken> tokens;
        try
        {
            tokens = SqlTokenizer.Tokenize(sql, ansiQuotes, noBackslashEscapes);
        }
        catch (FormatException e)
        {
            return new DdlClassification(DdlKind.Unknown) { Reason = "cannot tokenize: " + e.Message };
        }
        while (tokens.Count > 0 && tokens[^1].IsSymbol(';')) tokens.RemoveAt(tokens.Count - 1);
        var parser = new Parser(tokens, defaultSchema ?? "");
        try
        {
            return parser.Statement();
        }
        catch (FormatException e)
        {
            return new DdlClassification(DdlKind.Unknown) { Tables = parser.MentionedTables(), Reason = e.Message };
        }
    }

    private sealed class Parser(List<SqlToken> tokens, string defaultSchema)
    {
        private int _i;

        private static readonly HashSet<string> IgnoredStatements = new(StringComparer.OrdinalIgnoreCase)
        {
            "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "XA", "START", "SET", "FLUSH", "ANALYZE", "OPTIMIZE",
            "REPAIR", "CHECK", "CHECKSUM", "GRANT", "REVOKE", "INSTALL", "UNINSTALL", "SHOW", "USE", "LOCK", "UNLOCK",
            "DO", "PURGE", "RESET", "KILL", "SELECT", "HANDLER", "PREPARE", "EXECUTE", "DEALLOCATE", "CACHE", "SHUTDOWN",
            "BACKUP", "HELP", "EXPLAIN", "DESCRIBE", "DESC", "STOP", "SIGNAL", "RESIGNAL", "GET", "BINLOG", "CLONE",
            "RESTART", "IMPORT", "VALUES",
        };

        private static readonly HashSet<string> IgnoredObjects = new(StringComparer.OrdinalIgnoreCase)
        {
            "VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT", "USER", "ROLE", "SERVER", "SEQUENCE", "TABLESPACE",
            "LOGFILE", "SPATIAL", "RESOURCE", "PACKAGE", "AGGREGATE", "DEFINER", "ALGORITHM", "SQL", "UNDO", "INSTANCE",
            "SYNONYM",
        };

        private SqlToken? Peek(int ahead = 0) => _i + ahead < tokens.Count ? tokens[_i + ahead] : null;

        private bool IsWord(string keyword, int ahead = 0) => Peek(ahead) is { } t && t.IsWord(keyword);

        private bool IsSymbol(char c, int ahead = 0) => Peek(ahead) is { } t && t.IsSymbol(c);

        private bool Accept(string keyword)
        {
            if (!IsWord(keyword)) return false;
            _i++;
            return true;
        }

        private bool Accept(params string[] keywords)
        {
            for (var k = 0; k < keywords.Length; k++)
            {
                if (!IsWord(keywords[k], k)) return false;
            }
            _i += keywords.Length;
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

        private FormatException Error(string what) => new(Peek() is { } t
            ? $"{what} at offset {t.Offset} ('{t.Text}')"
            : $"{what} at the end of the statement");

        private bool AtEnd => _i >= tokens.Count;

        private string Identifier()
        {
            if (Peek() is not { IsIdentifier: true } t) throw Error("expected a name");
            _i++;
            return t.Text;
        }

        /// <summary><c>name</c> or <c>schema.name</c>.</summary>
        private TableId TableName()
        {
            var first = Identifier();
            if (!AcceptSymbol('.')) return new TableId(defaultSchema, first);
            return new TableId(first, Identifier());
        }

        private void SkipIfExists()
        {
            Accept("IF", "EXISTS");
        }

        private void SkipIfNotExists()
        {
            Accept("IF", "NOT", "EXISTS");
        }

        /// <summary>MariaDB <c>WAIT n</c> / <c>NOWAIT</c>.</summary>
        private void SkipWait()
        {
            if (Accept("NOWAIT")) return;
            if (IsWord("WAIT") && Peek(1) is { Kind: SqlTokenKind.Word } n && n.Text.All(char.IsAsciiDigit)) _i += 2;
        }

        public DdlClassification Statement()
        {
            if (AtEnd) return DdlClassification.Ignored;
            var first = Peek()!.Value;
            if (first.Kind != SqlTokenKind.Word)
            {
                return AnyDdlWord() ? Unknown("the statement does not start with a keyword") : DdlClassification.Ignored;
            }
            var keyword = first.Text.ToUpperInvariant();
            switch (keyword)
            {
                case "CREATE":
                    _i++;
                    return Create();
                case "ALTER":
                    _i++;
                    return Alter();
                case "DROP":
                    _i++;
                    return Drop();
                case "RENAME":
                    _i++;
                    return Rename();
                case "TRUNCATE":
                    _i++;
                    Accept("TABLE");
                    var truncated = TableName();
                    SkipWait();
                    if (!AtEnd) throw Error("unexpected text after TRUNCATE TABLE");
                    return new DdlClassification(DdlKind.TruncateTable) { Tables = [truncated] };
                case "INSERT" or "REPLACE" or "UPDATE" or "DELETE" or "LOAD" or "CALL" or "WITH":
                    return Unknown("statement-based DML");
                case "CHANGE":
                    // CHANGE MASTER / CHANGE REPLICATION SOURCE|FILTER
                    return DdlClassification.Ignored;
                case "SET" when IsWord("STATEMENT", 1):
                    return SetStatementFor();
            }
            if (IgnoredStatements.Contains(keyword)) return DdlClassification.Ignored;
            return Unknown($"unknown statement {first.Text}");
        }

        /// <summary>MariaDB <c>SET STATEMENT var = value [, ...] FOR statement</c>: classifies the statement.</summary>
        private DdlClassification SetStatementFor()
        {
            var depth = 0;
            for (var k = _i + 2; k < tokens.Count; k++)
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

        private DdlClassification Unknown(string reason) => new(DdlKind.Unknown) { Tables = MentionedTables(), Reason = reason };

        private bool AnyDdlWord() => tokens.Any(t => t.IsWord("TABLE"));

        /// <summary>
        /// Best effort for statements that cannot be parsed: names after TABLE/TABLES/INTO/UPDATE/FROM/JOIN/ON/LIKE
        /// (and after TABLE's IF [NOT] EXISTS).
        /// </summary>
        public IReadOnlyList<TableId> MentionedTables()
        {
            var result = new List<TableId>();
            for (var k = 0; k < tokens.Count - 1; k++)
            {
                var t = tokens[k];
                if (!(t.IsWord("TABLE") || t.IsWord("TABLES") || t.IsWord("INTO") || t.IsWord("UPDATE") || t.IsWord("FROM")
                      || t.IsWord("JOIN") || t.IsWord("TRUNCATE")))
                {
                    continue;
                }
                var j = k + 1;
                if (j < tokens.Count && tokens[j].IsWord("IF"))
                {
                    j++;
                    if (j < tokens.Count && tokens[j].IsWord("NOT")) j++;
                    if (j < tokens.Count && tokens[j].IsWord("EXISTS")) j++;
                }
                while (j < tokens.Count && tokens[j].Kind == SqlTokenKind.Word
                       && (tokens[j].IsWord("LOW_PRIORITY") || tokens[j].IsWord("IGNORE") || tokens[j].IsWord("QUICK")
                           || tokens[j].IsWord("DELAYED") || tokens[j].IsWord("HIGH_PRIORITY") || tokens[j].IsWord("TABLE")))
                {
                    j++;
                }
                if (j >= tokens.Count || !tokens[j].IsIdentifier) continue;
                if (tokens[j].Kind == SqlTokenKind.Word && IsNotAName(tokens[j].Text)) continue;
                TableId id;
                if (j + 2 < tokens.Count && tokens[j + 1].IsSymbol('.') && tokens[j + 2].IsIdentifier)
                {
                    id = new TableId(tokens[j].Text, tokens[j + 2].Text);
                }
                else
                {
                    id = new TableId(defaultSchema, tokens[j].Text);
                }
                if (!result.Contains(id)) result.Add(id);
            }
            return result;
        }

        private static bool IsNotAName(string word) => word.ToUpperInvariant() is "SELECT" or "SET" or "VALUES" or "WHERE" or "DUAL";

        // ---- CREATE ----

        private DdlClassification Create()
        {
            var orReplace = Accept("OR", "REPLACE");
            if (Accept("TEMPORARY"))
            {
                return IsWord("TABLE") ? DdlClassification.Ignored : Unknown("CREATE TEMPORARY of something else than a table");
            }
            if (Accept("TABLE")) return CreateTable(orReplace);
            if (Accept("DATABASE") || Accept("SCHEMA"))
            {
                SkipIfNotExists();
                return new DdlClassification(DdlKind.CreateDatabase) { Schema = Identifier() };
            }
            // CREATE [UNIQUE|FULLTEXT|SPATIAL] [ONLINE|OFFLINE] INDEX ... ON table
            var save = _i;
            Accept("ONLINE");
            Accept("OFFLINE");
            if (Accept("UNIQUE") || Accept("FULLTEXT") || Accept("SPATIAL")) { }
            if (Accept("INDEX") || Accept("KEY"))
            {
                SkipIfNotExists();
                Identifier();
                while (!AtEnd && !IsWord("ON")) _i++;
                Expect("ON");
                var table = TableName();
                return new DdlClassification(DdlKind.AlterTable) { Tables = [table], Hints = AlterHints.Index };
            }
            _i = save;
            if (Peek() is { Kind: SqlTokenKind.Word } next && IgnoredObjects.Contains(next.Text)) return DdlClassification.Ignored;
            return Unknown("unknown CREATE statement");
        }

        private DdlClassification CreateTable(bool orReplace)
        {
            SkipIfNotExists();
            var table = TableName();
            TableId? like = null;
            if (Accept("LIKE"))
            {
                like = TableName();
            }
            else if (IsSymbol('(') && IsWord("LIKE", 1))
            {
                _i += 2;
                like = TableName();
                if (!AcceptSymbol(')')) throw Error("expected ')' after CREATE TABLE (LIKE ...");
            }
            var isSelect = tokens.Skip(_i).Any(t => t.IsWord("SELECT"));
            return new DdlClassification(DdlKind.CreateTable)
            {
                Tables = [table],
                LikeTable = like,
                IsCreateSelect = isSelect,
                OrReplace = orReplace,
            };
        }

        // ---- DROP ----

        private DdlClassification Drop()
        {
            if (Accept("TEMPORARY"))
            {
                return IsWord("TABLE") || IsWord("TABLES") ? DdlClassification.Ignored : Unknown("DROP TEMPORARY of something else than a table");
            }
            if (Accept("TABLE") || Accept("TABLES"))
            {
                SkipIfExists();
                var tables = new List<TableId> { TableName() };
                while (AcceptSymbol(',')) tables.Add(TableName());
                SkipWait();
                Accept("RESTRICT");
                Accept("CASCADE");
                if (!AtEnd) throw Error("unexpected text after the tables of DROP TABLE");
                return new DdlClassification(DdlKind.DropTable) { Tables = tables };
            }
            if (Accept("DATABASE") || Accept("SCHEMA"))
            {
                SkipIfExists();
                return new DdlClassification(DdlKind.DropDatabase) { Schema = Identifier() };
            }
            var save = _i;
            Accept("ONLINE");
            Accept("OFFLINE");
            if (Accept("INDEX") || Accept("KEY"))
            {
                SkipIfExists();
                var primary = Peek() is { IsIdentifier: true } name && name.Text.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase);
                Identifier();
                SkipWait();
                Expect("ON");
                var table = TableName();
                return new DdlClassification(DdlKind.AlterTable)
                {
                    Tables = [table],
                    Hints = primary ? AlterHints.PrimaryKey : AlterHints.Index,
                };
            }
            _i = save;
            if (Peek() is { Kind: SqlTokenKind.Word } next && IgnoredObjects.Contains(next.Text)) return DdlClassification.Ignored;
            return Unknown("unknown DROP statement");
        }

        // ---- RENAME ----

        private DdlClassification Rename()
        {
            if (!Accept("TABLE") && !Accept("TABLES"))
            {
                return IsWord("USER") ? DdlClassification.Ignored : Unknown("unknown RENAME statement");
            }
            SkipIfExists();
            var renames = new List<TableRename>();
            do
            {
                var from = TableName();
                SkipWait();
                Expect("TO");
                renames.Add(new TableRename(from, TableName()));
            }
            while (AcceptSymbol(','));
            if (!AtEnd) throw Error("unexpected text after RENAME TABLE");
            return new DdlClassification(DdlKind.RenameTable) { Tables = [.. renames.Select(r => r.From)], Renames = renames };
        }

        // ---- ALTER ----

        private DdlClassification Alter()
        {
            Accept("ONLINE");
            Accept("OFFLINE");
            Accept("IGNORE");
            if (!Accept("TABLE"))
            {
                if (Peek() is { Kind: SqlTokenKind.Word } next
                    && (IgnoredObjects.Contains(next.Text) || next.IsWord("DATABASE") || next.IsWord("SCHEMA")
                        || next.IsWord("INSTANCE") || next.IsWord("LOGFILE")))
                {
                    return DdlClassification.Ignored;
                }
                return Unknown("unknown ALTER statement");
            }
            SkipIfExists();
            var table = TableName();
            SkipWait();
            var hints = AlterHints.None;
            var renames = new List<TableRename>();
            var previous = AlterHints.None;
            foreach (var (start, end) in SplitTopLevel(_i))
            {
                // DROP/TRUNCATE/ANALYZE... PARTITION p0, p1: the later names continue the partition list.
                if (end - start == 1 && tokens[start].IsIdentifier && (previous & AlterHints.Partition) != 0) continue;
                previous = AlterSpec(start, end, table, renames);
                hints |= previous;
            }
            return new DdlClassification(DdlKind.AlterTable) { Tables = [table], Hints = hints, Renames = renames };
        }

        /// <summary>The [start, end) token ranges separated by commas outside parentheses.</summary>
        private List<(int Start, int End)> SplitTopLevel(int from)
        {
            var ranges = new List<(int, int)>();
            var depth = 0;
            var start = from;
            for (var k = from; k < tokens.Count; k++)
            {
                if (tokens[k].IsSymbol('(')) depth++;
                else if (tokens[k].IsSymbol(')')) depth--;
                else if (tokens[k].IsSymbol(',') && depth == 0)
                {
                    ranges.Add((start, k));
                    start = k + 1;
                }
            }
            if (depth != 0) throw Error("unbalanced parentheses");
            if (tokens.Count > start) ranges.Add((start, tokens.Count));
            return ranges;
        }

        private AlterHints AlterSpec(int start, int end, TableId table, List<TableRename> renames)
        {
            _i = start;
            bool Is(string keyword, int ahead = 0) => _i + ahead < end && tokens[_i + ahead].IsWord(keyword);

            // Partitioning clauses may follow other clauses without a comma.
            var partition = AlterHints.None;
            for (var k = start; k < end; k++)
            {
                if (tokens[k].IsWord("PARTITION") || tokens[k].IsWord("PARTITIONING") || tokens[k].IsWord("PARTITIONS"))
                {
                    partition = AlterHints.Partition;
                    break;
                }
            }

            if (_i >= end) return AlterHints.Unknown;
            var word = tokens[_i].Kind == SqlTokenKind.Word ? tokens[_i].Text.ToUpperInvariant() : "";
            _i++;
            switch (word)
            {
                case "ADD":
                    if (Is("COLUMN") || (_i < end && tokens[_i].IsSymbol('('))) return AlterHints.AddColumn | partition;
                    if (Is("IF")) return AlterHints.AddColumn | partition; // ADD IF NOT EXISTS col (MariaDB)
                    if (Is("PRIMARY")) return AlterHints.PrimaryKey;
                    if (Is("CONSTRAINT"))
                    {
                        for (var k = _i; k < end; k++) if (tokens[k].IsWord("PRIMARY")) return AlterHints.PrimaryKey;
                        return AlterHints.Index;
                    }
                    if (Is("INDEX") || Is("KEY") || Is("UNIQUE") || Is("FULLTEXT") || Is("SPATIAL") || Is("FOREIGN") || Is("CHECK"))
                        return AlterHints.Index;
                    if (Is("PARTITION")) return AlterHints.Partition;
                    if (Is("PERIOD")) return AlterHints.Other;
                    if (Is("SYSTEM")) return AlterHints.AddColumn; // SYSTEM VERSIONING adds the row_start/row_end columns
                    return AlterHints.AddColumn | partition;
                case "DROP":
                    if (Is("PRIMARY")) return AlterHints.PrimaryKey;
                    if (Is("INDEX") || Is("KEY") || Is("FOREIGN") || Is("CONSTRAINT") || Is("CHECK")) return AlterHints.Index;
                    if (Is("PARTITION")) return AlterHints.Partition | AlterHints.DataChanged;
                    if (Is("PERIOD") || Is("DEFAULT")) return AlterHints.Other;
                    if (Is("SYSTEM")) return AlterHints.DropColumn;
                    return AlterHints.DropColumn | partition;
                case "MODIFY":
                    return AlterHints.ModifyColumn | partition;
                case "CHANGE":
                {
                    Accept("COLUMN");
                    Accept("IF", "EXISTS");
                    if (_i + 1 >= end || !tokens[_i].IsIdentifier || !tokens[_i + 1].IsIdentifier)
                    {
                        return AlterHints.ModifyColumn | AlterHints.RenameColumn;
                    }
                    var renamed = !string.Equals(tokens[_i].Text, tokens[_i + 1].Text, StringComparison.OrdinalIgnoreCase);
                    return AlterHints.ModifyColumn | (renamed ? AlterHints.RenameColumn : AlterHints.None) | partition;
                }
                case "ALTER":
                    if (Is("INDEX") || Is("KEY") || Is("CHECK") || Is("CONSTRAINT")) return AlterHints.Index;
                    return AlterHints.Other;
                case "RENAME":
                {
                    if (Is("COLUMN")) return AlterHints.RenameColumn;
                    if (Is("INDEX") || Is("KEY")) return AlterHints.Index;
                    if (!Accept("TO") && !Accept("AS")) AcceptSymbol('=');
                    var to = TableName();
                    renames.Add(new TableRename(table, to));
                    return AlterHints.RenameTable;
                }
                case "CONVERT":
                    if (Is("TO")) return AlterHints.ModifyColumn;
                    return AlterHints.Partition | AlterHints.DataChanged; // MariaDB CONVERT PARTITION/TABLE
                case "TRUNCATE" or "EXCHANGE":
                    return AlterHints.Partition | AlterHints.DataChanged;
                case "DISCARD" or "IMPORT":
                    return AlterHints.DataChanged | partition;
                case "COALESCE" or "REORGANIZE" or "REBUILD" or "REMOVE" or "OPTIMIZE" or "ANALYZE" or "CHECK" or "REPAIR"
                    or "PARTITION":
                    return AlterHints.Partition;
                case "DEFAULT" or "CHARACTER" or "CHARSET" or "COLLATE" or "ENGINE" or "AUTO_INCREMENT" or "COMMENT"
                    or "ROW_FORMAT" or "KEY_BLOCK_SIZE" or "AVG_ROW_LENGTH" or "MAX_ROWS" or "MIN_ROWS" or "CHECKSUM"
                    or "PACK_KEYS" or "DELAY_KEY_WRITE" or "FORCE" or "ALGORITHM" or "LOCK" or "ORDER" or "ENABLE" or "DISABLE"
                    or "WITH" or "WITHOUT" or "STATS_PERSISTENT" or "STATS_AUTO_RECALC" or "STATS_SAMPLE_PAGES"
                    or "PAGE_CHECKSUM" or "PAGE_COMPRESSED" or "PAGE_COMPRESSION_LEVEL" or "TRANSACTIONAL" or "ENCRYPTED"
                    or "ENCRYPTION" or "ENCRYPTION_KEY_ID" or "IETF_QUOTES" or "SEQUENCE" or "COMPRESSION" or "CONNECTION"
                    or "DATA" or "INDEX" or "INSERT_METHOD" or "PASSWORD" or "STORAGE" or "TABLESPACE" or "UNION"
                    or "SECONDARY_ENGINE" or "SECONDARY_ENGINE_ATTRIBUTE" or "ENGINE_ATTRIBUTE" or "AUTOEXTEND_SIZE"
                    or "START" or "INCREMENT" or "MINVALUE" or "MAXVALUE" or "NOMINVALUE" or "NOMAXVALUE" or "CACHE"
                    or "NOCACHE" or "CYCLE" or "NOCYCLE" or "RESTART" or "UPGRADE":
                    return AlterHints.Other | partition;
                default:
                    return partition == AlterHints.None ? AlterHints.Unknown : partition;
            }
        }
    }
}
