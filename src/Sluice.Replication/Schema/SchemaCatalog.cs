using System.Collections.Immutable;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Schema;

/// <summary>A character set and one of its collations (<c>utf8</c> is always written <c>utf8mb3</c>).</summary>
public sealed record CharsetCollation(string Charset, string Collation);

/// <summary>
/// One table's definition as it stands at some binlog position: the columns (names, ordinals, types, charsets, ENUM/SET
/// labels, primary key) and the table's default charset and collation (used by later ADD/MODIFY of text columns).
/// Statistics of <see cref="SourceTable"/> (size, rows) are not part of a definition and stay 0.
/// </summary>
public sealed record TableSchema(SourceTable Table, CharsetCollation Defaults)
{
    public TableId Id => Table.Id;

    public IReadOnlyList<SourceColumn> Columns => Table.Columns;

    /// <summary>Builds a definition from columns in any order: ordinals are renumbered 1..n, the key is rebuilt.</summary>
    public static TableSchema Create(TableId id, IEnumerable<SourceColumn> columns, CharsetCollation defaults, string? engine = null)
    {
        var list = new List<SourceColumn>();
        foreach (var column in columns) list.Add(column with { Ordinal = list.Count + 1 });
        var key = list.Where(c => c.IsPrimaryKey).OrderBy(c => c.PrimaryKeyOrdinal).Select(c => c.Name).ToList();
        return new TableSchema(new SourceTable(id, list, key, 0, 0, engine), defaults);
    }

    /// <summary>
    /// Whether some columns are missing between the ordinals (a definition read by a user to whom column-level
    /// grants hide them): ordinals are then the table's real positions, not 1..n.
    /// </summary>
    public bool HasHiddenColumns
    {
        get
        {
            for (var i = 0; i < Table.Columns.Count; i++)
            {
                if (Table.Columns[i].Ordinal != i + 1) return true;
            }
            return false;
        }
    }

    /// <summary>The same columns under another name.</summary>
    public TableSchema WithId(TableId id) => this with { Table = Table with { Id = id } };

    public int IndexOf(string column)
    {
        for (var i = 0; i < Table.Columns.Count; i++)
        {
            if (string.Equals(Table.Columns[i].Name, column, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}

/// <summary>Which server dialect information_schema follows, for the types the applier derives from DDL.</summary>
public enum SchemaDialect
{
    /// <summary>MariaDB: integer display widths (<c>int(11)</c>), <c>year(4)</c>, JSON as a checked LONGTEXT.</summary>
    MariaDb,

    /// <summary>MySQL 5.x and 8.0 before 8.0.19: integer display widths, a native JSON type.</summary>
    MySql57,

    /// <summary>MySQL 8.0.19+: no integer display widths (except <c>tinyint(1)</c> and ZEROFILL), native JSON.</summary>
    MySql80,
}

/// <summary>
/// The definitions of the tables known at one moment, keyed by <see cref="TableId"/> (exact spelling: table names
/// compare case-sensitively, as on servers with <c>lower_case_table_names=0</c>), and the default charset/collation of
/// each database and of the server, which tables and text columns created later inherit.
/// </summary>
public sealed record SchemaCatalog
{
    public static SchemaCatalog Empty { get; } = new();

    public ImmutableDictionary<TableId, TableSchema> Tables { get; init; } = ImmutableDictionary<TableId, TableSchema>.Empty;

    /// <summary>Default charset/collation of each known database (names compare exactly).</summary>
    public ImmutableDictionary<string, CharsetCollation> Databases { get; init; } =
        ImmutableDictionary<string, CharsetCollation>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The server's <c>character_set_server</c>/<c>collation_server</c>: the defaults of databases not known.</summary>
    public CharsetCollation ServerDefaults { get; init; } = new("utf8mb4", "utf8mb4_general_ci");

    /// <summary>
    /// Default collation of each charset as the server has it (information_schema.CHARACTER_SETS); charsets not listed
    /// use <see cref="CharsetRules.DefaultCollation"/>.
    /// </summary>
    public ImmutableDictionary<string, string> CharsetDefaultCollations { get; init; } =
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);

    public SchemaDialect Dialect { get; init; } = SchemaDialect.MariaDb;

    /// <summary>
    /// The server's <c>explicit_defaults_for_timestamp</c> (ON by default since MariaDB 10.10 and MySQL 8.0): when OFF,
    /// a TIMESTAMP column not declared NULL is NOT NULL. The session value at DDL time is not in the binlog; the
    /// server's global value stands in for it.
    /// </summary>
    public bool ExplicitDefaultsForTimestamp { get; init; } = true;

    public TableSchema? Table(TableId id) => Tables.GetValueOrDefault(id);

    public SchemaCatalog WithTable(TableSchema table) => this with { Tables = Tables.SetItem(table.Id, table) };

    public SchemaCatalog WithoutTable(TableId id) => this with { Tables = Tables.Remove(id) };

    /// <summary>The defaults of a database (the server's when the database is not known).</summary>
    public CharsetCollation DatabaseDefaults(string database) => Databases.GetValueOrDefault(database) ?? ServerDefaults;

    /// <summary>The collation a charset gets when none is named.</summary>
    public string DefaultCollationOf(string charset) =>
        CharsetDefaultCollations.GetValueOrDefault(charset) ?? CharsetRules.DefaultCollation(charset);
}
