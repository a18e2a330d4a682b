using System.Collections.Immutable;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Replication.Discovery;
using Sluice.Replication.Positions;

namespace Sluice.Replication.Schema;

/// <summary>The catalog in force from <see cref="Position"/> on (until the next version).</summary>
public sealed record SchemaVersion(BinlogPosition Position, SchemaCatalog Catalog);

/// <summary>
/// The definitions of the tables as they stood at each binlog position: a base catalog (read from information_schema
/// at <see cref="BasePosition"/>), then one version per DDL statement that changed it, in binlog order (ordered with
/// <see cref="BinlogPositionComparer"/>). Immutable.
/// <para>
/// A DDL statement's version is keyed by the position after its QUERY event (the event's next position); a row event
/// is looked up by its own position, so rows logged before the DDL get the previous definition and rows after it the
/// new one. See docs/schema-history.md.
/// </para>
/// </summary>
public sealed class SchemaHistory
{
    private static readonly BinlogPositionComparer Comparer = BinlogPositionComparer.Instance;

    private SchemaHistory(SchemaVersion baseVersion, ImmutableList<SchemaVersion> versions)
    {
        Base = baseVersion;
        Versions = versions;
    }

    /// <summary>A history that starts with <paramref name="catalog"/> at <paramref name="position"/>.</summary>
    public static SchemaHistory Start(BinlogPosition position, SchemaCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(catalog);
        return new SchemaHistory(new SchemaVersion(position, catalog), []);
    }

    internal static SchemaHistory Restore(SchemaVersion baseVersion, IEnumerable<SchemaVersion> versions) =>
        new(baseVersion, [.. versions]);

    /// <summary>The catalog the history starts from.</summary>
    public SchemaVersion Base { get; }

    /// <summary>The versions after the base, oldest first.</summary>
    public ImmutableList<SchemaVersion> Versions { get; }

    public BinlogPosition BasePosition => Base.Position;

    /// <summary>The newest version (the base when there is none).</summary>
    public SchemaVersion Latest => Versions.IsEmpty ? Base : Versions[^1];

    /// <summary>
    /// Applies one statement logged at <paramref name="position"/> (the position after its event). Returns this history
    /// unchanged when <paramref name="position"/> is not after <see cref="Latest"/> (a replay after a restart) or when
    /// the statement changes nothing; <paramref name="applied"/> then says so (no effects).
    /// </summary>
    public SchemaHistory Apply(
        BinlogPosition position, string sql, string? currentDatabase, out DdlApplied applied,
        bool ansiQuotes = false, bool noBackslashEscapes = false)
    {
        ArgumentNullException.ThrowIfNull(position);
        var latest = Latest;
        if (Comparer.Compare(position, latest.Position) <= 0)
        {
            applied = new DdlApplied(latest.Catalog, []);
            return this;
        }
        applied = DdlApplier.Apply(latest.Catalog, sql, currentDatabase, ansiQuotes, noBackslashEscapes);
        if (ReferenceEquals(applied.Catalog, latest.Catalog)) return this;
        return new SchemaHistory(Base, Versions.Add(new SchemaVersion(position, applied.Catalog)));
    }

    /// <inheritdoc cref="Apply(BinlogPosition, string, string?, out DdlApplied, bool, bool)"/>
    public SchemaHistory Apply(BinlogPosition position, string sql, string? currentDatabase) =>
        Apply(position, sql, currentDatabase, out _);

    /// <summary>
    /// Applies a QUERY event read from the stream; <paramref name="position"/> is the stream's position after it
    /// (<see cref="BinlogStreamItem.Position"/>).
    /// </summary>
    public SchemaHistory Apply(BinlogPosition position, QueryEvent query, out DdlApplied applied)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (ansiQuotes, noBackslashEscapes) = DdlApplier.Modes(query);
        return Apply(position, query.Sql, query.Schema, out applied, ansiQuotes, noBackslashEscapes);
    }

    /// <summary>The catalog in force for an event at <paramref name="position"/>: the latest version at or before it (the base for earlier positions).</summary>
    public SchemaCatalog CatalogAt(BinlogPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        // Versions are few and ordered: search from the newest.
        for (var k = Versions.Count - 1; k >= 0; k--)
        {
            if (Comparer.Compare(Versions[k].Position, position) <= 0) return Versions[k].Catalog;
        }
        return Base.Catalog;
    }

    /// <summary>The definition of a table for an event at <paramref name="position"/>, or null when the table did not exist (or is not tracked) there.</summary>
    public TableSchema? TableAt(TableId table, BinlogPosition position) => CatalogAt(position).Table(table);

    /// <summary>
    /// Forgets what no event at or after <paramref name="checkpoint"/> can need: the version in force at the checkpoint
    /// becomes the base, older versions go.
    /// </summary>
    public SchemaHistory Prune(BinlogPosition checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var keepFrom = -1;
        for (var k = Versions.Count - 1; k >= 0; k--)
        {
            if (Comparer.Compare(Versions[k].Position, checkpoint) <= 0)
            {
                keepFrom = k;
                break;
            }
        }
        if (keepFrom < 0) return this;
        return new SchemaHistory(Versions[keepFrom], Versions.RemoveRange(0, keepFrom + 1));
    }

    /// <summary>
    /// Replaces one table's definition by one re-read from information_schema (after a statement the applier did not
    /// understand, or a disagreement with the event's own metadata) from <paramref name="position"/> on. A position
    /// after <see cref="Latest"/> adds a version; otherwise the definition replaces the table in the latest version
    /// (a re-read shows the table as it is now, so it cannot be placed before later DDL).
    /// </summary>
    public SchemaHistory Refresh(BinlogPosition position, TableSchema table)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(table);
        var latest = Latest;
        var catalog = latest.Catalog.WithTable(table);
        if (Comparer.Compare(position, latest.Position) > 0)
        {
            return new SchemaHistory(Base, Versions.Add(new SchemaVersion(position, catalog)));
        }
        return Versions.IsEmpty
            ? new SchemaHistory(Base with { Catalog = catalog }, Versions)
            : new SchemaHistory(Base, Versions.SetItem(Versions.Count - 1, latest with { Catalog = catalog }));
    }

    /// <summary>As <see cref="Refresh"/>, for a table that no longer exists (or is no longer visible).</summary>
    public SchemaHistory Forget(BinlogPosition position, TableId table)
    {
        ArgumentNullException.ThrowIfNull(position);
        var latest = Latest;
        if (!latest.Catalog.Tables.ContainsKey(table)) return this;
        var catalog = latest.Catalog.WithoutTable(table);
        if (Comparer.Compare(position, latest.Position) > 0)
        {
            return new SchemaHistory(Base, Versions.Add(new SchemaVersion(position, catalog)));
        }
        return Versions.IsEmpty
            ? new SchemaHistory(Base with { Catalog = catalog }, Versions)
            : new SchemaHistory(Base, Versions.SetItem(Versions.Count - 1, latest with { Catalog = catalog }));
    }

    /// <summary>The history as JSON (see <see cref="SchemaHistoryJson"/>).</summary>
    public string ToJson() => SchemaHistoryJson.Serialize(this);

    /// <summary>Reads <see cref="ToJson"/>'s text; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SchemaHistory FromJson(string json) => SchemaHistoryJson.Deserialize(json);
}
