using Sluice.Replication.Discovery;

namespace Sluice.Replication.Schema;

/// <summary>How one column changed in an ALTER TABLE.</summary>
public enum ColumnChangeKind
{
    Added,
    Dropped,

    /// <summary>The definition (type, charset, nullability, position...) changed; the name may have changed too.</summary>
    Modified,

    /// <summary>Only the name changed (RENAME COLUMN).</summary>
    Renamed,
}

/// <summary>One column change: <see cref="Column"/> is the name before, <see cref="NewName"/> the name after (when renamed).</summary>
public sealed record ColumnChange(ColumnChangeKind Kind, string Column, string? NewName = null);

/// <summary>What one statement did to one table.</summary>
public abstract record TableEffect
{
    /// <summary>The table was created (CREATE TABLE, CREATE TABLE ... LIKE, CREATE OR REPLACE).</summary>
    public sealed record Defined(TableId Table, TableSchema Schema) : TableEffect;

    /// <summary>
    /// The table's definition changed (possibly only its default charset or primary key: <see cref="Changes"/> lists
    /// the columns touched and may be empty).
    /// </summary>
    public sealed record Altered(TableId Table, TableSchema Schema, IReadOnlyList<ColumnChange> Changes) : TableEffect;

    public sealed record Dropped(TableId Table) : TableEffect;

    public sealed record Renamed(TableId From, TableId To) : TableEffect;

    /// <summary>All rows were removed without row events; the definition is unchanged.</summary>
    public sealed record Truncated(TableId Table) : TableEffect;

    /// <summary>
    /// The statement concerns <see cref="Table"/> (or tables it cannot name: null) but could not be applied: the
    /// catalog keeps the old definition, and the caller should re-read the table and re-sync it.
    /// </summary>
    public sealed record NotUnderstood(TableId? Table, string Reason) : TableEffect;
}

/// <summary>The result of <see cref="DdlApplier.Apply"/>: the catalog after the statement and what it did, in order.</summary>
public sealed record DdlApplied(SchemaCatalog Catalog, IReadOnlyList<TableEffect> Effects)
{
    /// <summary>Whether the statement changed nothing (not DDL, or DDL on nothing known).</summary>
    public bool IsNoOp => Effects.Count == 0;
}
