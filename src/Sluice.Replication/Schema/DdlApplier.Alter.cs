using Sluice.Replication.Discovery;

namespace Sluice.Replication.Schema;

public static partial class DdlApplier
{
    /// <summary>ALTER TABLE and its clauses.</summary>
    private sealed partial class Parser
    {
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
    }
}
