using Sluice.Replication.Discovery;

namespace Sluice.Replication.Schema;

/// <summary>What a statement logged as a QUERY event does to replicated tables.</summary>
public enum DdlKind
{
    /// <summary>No effect on any table's shape or data outside row events (BEGIN/COMMIT, SET, GRANT, views, temporary tables...).</summary>
    Ignore,
    CreateTable,
    AlterTable,
    DropTable,
    RenameTable,
    TruncateTable,
    CreateDatabase,
    DropDatabase,

    /// <summary>
    /// The statement may change tables in ways the classifier cannot tell (a DDL it cannot parse, statement-based DML,
    /// an unknown statement): <see cref="DdlClassification.Tables"/> lists the tables it seems to name (possibly none).
    /// The safe reaction is to re-sync those tables.
    /// </summary>
    Unknown,
}

/// <summary>What an ALTER TABLE (or CREATE/DROP INDEX) changes; several can be set.</summary>
[Flags]
public enum AlterHints
{
    None = 0,
    AddColumn = 1 << 0,
    DropColumn = 1 << 1,

    /// <summary>A column's type or definition may change (MODIFY, CHANGE, CONVERT TO CHARACTER SET).</summary>
    ModifyColumn = 1 << 2,
    RenameColumn = 1 << 3,

    /// <summary>ALTER TABLE ... RENAME TO: see <see cref="DdlClassification.Renames"/>.</summary>
    RenameTable = 1 << 4,

    /// <summary>Indexes and constraints other than the primary key (no data change).</summary>
    Index = 1 << 5,

    /// <summary>The primary key is added or dropped.</summary>
    PrimaryKey = 1 << 6,

    /// <summary>Partitioning changes.</summary>
    Partition = 1 << 7,

    /// <summary>Rows change without row events (DROP/TRUNCATE/EXCHANGE/CONVERT PARTITION, IMPORT/DISCARD TABLESPACE).</summary>
    DataChanged = 1 << 8,

    /// <summary>Table options, column defaults, visibility, engine, comments and the like: no column or data change.</summary>
    Other = 1 << 9,

    /// <summary>A clause the classifier does not recognise: treat the table as changed in an unknown way.</summary>
    Unknown = 1 << 10,
}

/// <summary>A table renamed from <see cref="From"/> to <see cref="To"/>.</summary>
public readonly record struct TableRename(TableId From, TableId To);

/// <summary>
/// The classification of one statement. Table names are as written in the statement (unquoted, unescaped), qualified
/// with the event's default schema when the statement does not name one (an empty schema when there is none).
/// </summary>
public sealed record DdlClassification(DdlKind Kind)
{
    public static DdlClassification Ignored { get; } = new(DdlKind.Ignore);

    /// <summary>
    /// The tables concerned, in statement order: the created/altered/truncated table, every dropped table, the source
    /// tables of renames, or what an <see cref="DdlKind.Unknown"/> statement seems to name.
    /// </summary>
    public IReadOnlyList<TableId> Tables { get; init; } = [];

    /// <summary>RENAME TABLE pairs (in order), or the ALTER TABLE ... RENAME TO pair.</summary>
    public IReadOnlyList<TableRename> Renames { get; init; } = [];

    /// <summary>The database of <see cref="DdlKind.CreateDatabase"/> / <see cref="DdlKind.DropDatabase"/>.</summary>
    public string? Schema { get; init; }

    /// <summary>What an <see cref="DdlKind.AlterTable"/> changes.</summary>
    public AlterHints Hints { get; init; }

    /// <summary>CREATE TABLE ... LIKE: the table copied.</summary>
    public TableId? LikeTable { get; init; }

    /// <summary>CREATE TABLE ... SELECT (the table is created with rows).</summary>
    public bool IsCreateSelect { get; init; }

    /// <summary>MariaDB CREATE OR REPLACE TABLE (an existing table of that name is dropped first).</summary>
    public bool OrReplace { get; init; }

    /// <summary>Why the statement is <see cref="DdlKind.Unknown"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>The first (for most kinds the only) table.</summary>
    public TableId Table => Tables.Count > 0 ? Tables[0] : throw new InvalidOperationException($"a {Kind} statement names no table");
}
