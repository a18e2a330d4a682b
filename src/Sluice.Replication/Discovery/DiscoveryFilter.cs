namespace Sluice.Replication.Discovery;

/// <summary>
/// Data blocking: which schemas, tables and columns to replicate. Names compare case-sensitively for tables and
/// columns' schemas as MySQL reports them, except columns, which MySQL itself compares case-insensitively.
/// <para>
/// An include list, when non-null, keeps only what it names; an exclude list then removes from that. Tables are
/// written <c>schema.table</c>, columns <c>schema.table.column</c> (split on the first dots: a schema or table name
/// containing a dot must be given through the structured overloads). Primary key columns cannot be excluded.
/// </para>
/// </summary>
public sealed record DiscoveryFilter
{
    public static DiscoveryFilter All { get; } = new();

    public IReadOnlySet<string>? IncludeSchemas { get; init; }
    public IReadOnlySet<string> ExcludeSchemas { get; init; } = new HashSet<string>();
    public IReadOnlySet<TableId>? IncludeTables { get; init; }
    public IReadOnlySet<TableId> ExcludeTables { get; init; } = new HashSet<TableId>();

    /// <summary>Excluded columns per table (column names compare case-insensitively).</summary>
    public IReadOnlyDictionary<TableId, IReadOnlySet<string>> ExcludeColumns { get; init; } =
        new Dictionary<TableId, IReadOnlySet<string>>();

    /// <summary>Builds a filter from dotted names (<c>schema</c>, <c>schema.table</c>, <c>schema.table.column</c>).</summary>
    public static DiscoveryFilter FromNames(
        IEnumerable<string>? includeSchemas = null,
        IEnumerable<string>? excludeSchemas = null,
        IEnumerable<string>? includeTables = null,
        IEnumerable<string>? excludeTables = null,
        IEnumerable<string>? excludeColumns = null)
    {
        static TableId Table(string dotted)
        {
            var dot = dotted.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == dotted.Length - 1) throw new ArgumentException($"'{dotted}' is not schema.table");
            return new TableId(dotted[..dot], dotted[(dot + 1)..]);
        }

        var columns = new Dictionary<TableId, HashSet<string>>();
        foreach (var dotted in excludeColumns ?? [])
        {
            var last = dotted.LastIndexOf('.');
            if (last <= 0 || last == dotted.Length - 1) throw new ArgumentException($"'{dotted}' is not schema.table.column");
            var table = Table(dotted[..last]);
            if (!columns.TryGetValue(table, out var set)) columns[table] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            set.Add(dotted[(last + 1)..]);
        }

        return new DiscoveryFilter
        {
            IncludeSchemas = includeSchemas?.ToHashSet(),
            ExcludeSchemas = (excludeSchemas ?? []).ToHashSet(),
            IncludeTables = includeTables?.Select(Table).ToHashSet(),
            ExcludeTables = (excludeTables ?? []).Select(Table).ToHashSet(),
            ExcludeColumns = columns.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value),
        };
    }

    public bool IncludesSchema(string schema) =>
        (IncludeSchemas is null || IncludeSchemas.Contains(schema)) && !ExcludeSchemas.Contains(schema);

    public bool IncludesTable(TableId table) =>
        IncludesSchema(table.Schema)
        && (IncludeTables is null || IncludeTables.Contains(table))
        && !ExcludeTables.Contains(table);

    public bool ExcludesColumn(TableId table, string column) =>
        ExcludeColumns.TryGetValue(table, out var set) && set.Contains(column);
}
