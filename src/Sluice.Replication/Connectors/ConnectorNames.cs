using MySqlConnector;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Connectors;

/// <summary>
/// The source names a connector definition lists: data blocking and hashed columns. Null lists mean "not given".
/// Schema and table names compare exactly (as the server spells them); column names ignore case.
/// </summary>
public sealed record ConnectorNames
{
    public IReadOnlyList<string>? IncludeSchemas { get; init; }
    public IReadOnlyList<string>? ExcludeSchemas { get; init; }
    public IReadOnlyList<string>? IncludeTables { get; init; }
    public IReadOnlyList<string>? ExcludeTables { get; init; }

    /// <summary>Per named table, the columns to keep (primary key columns are always kept); other tables keep all.</summary>
    public IReadOnlyList<string>? IncludeColumns { get; init; }
    public IReadOnlyList<string>? ExcludeColumns { get; init; }
    public IReadOnlyList<string>? HashedColumns { get; init; }

    /// <summary>The blocking filter without <see cref="IncludeColumns"/> (which needs the source's columns: <see cref="ResolveFilter"/>).</summary>
    public DiscoveryFilter StaticFilter() => DiscoveryFilter.FromNames(IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables, ExcludeColumns);

    /// <summary>
    /// The blocking filter with <see cref="IncludeColumns"/> turned into exclusions of the named tables' other
    /// non-key columns, given the source's tables (discovered unfiltered). A pure function: names that match nothing
    /// are reported by <see cref="SourceNameCheck"/>, not here.
    /// </summary>
    public DiscoveryFilter ResolveFilter(IReadOnlyList<SourceTable> sourceTables)
    {
        if (IncludeColumns is not { Count: > 0 }) return StaticFilter();
        var keep = new Dictionary<TableId, HashSet<string>>();
        foreach (var dotted in IncludeColumns)
        {
            var (table, column) = SplitColumn(dotted);
            if (!keep.TryGetValue(table, out var set)) keep[table] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            set.Add(column);
        }
        var excluded = new List<string>(ExcludeColumns ?? []);
        foreach (var (tableId, columns) in keep)
        {
            var table = sourceTables.FirstOrDefault(t => t.Id == tableId);
            if (table is null) continue;
            excluded.AddRange(table.Columns.Where(c => !c.IsPrimaryKey && !columns.Contains(c.Name)).Select(c => $"{tableId}.{c.Name}"));
        }
        return DiscoveryFilter.FromNames(IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables, excluded);
    }

    /// <summary>
    /// Discovers the source's tables (unfiltered), checks every listed name against them and resolves the filter.
    /// Throws <see cref="ConnectorNameException"/> with one line per unmatched name; <paramref name="knownNames"/> is
    /// passed to <see cref="SourceNameCheck.Check"/> (names that matched at an earlier start only warn).
    /// </summary>
    public async Task<(DiscoveryFilter Filter, IReadOnlyList<string> Warnings)> ResolveAsync(
        MySqlConnection source, IReadOnlySet<string>? knownNames, CancellationToken cancellationToken)
    {
        var all = await SchemaDiscovery.DiscoverAsync(source, DiscoveryFilter.All, cancellationToken);
        var result = SourceNameCheck.Check(all, this, knownNames);
        if (result.Errors.Count > 0) throw new ConnectorNameException(result.Errors);
        return (ResolveFilter(all), result.Warnings);
    }

    internal static (TableId Table, string Column) SplitColumn(string dotted)
    {
        var first = dotted.IndexOf('.');
        var last = dotted.LastIndexOf('.');
        return (new TableId(dotted[..first], dotted[(first + 1)..last]), dotted[(last + 1)..]);
    }
}

/// <summary>Names in a connector definition that match nothing in the source (bad input: one line each).</summary>
public sealed class ConnectorNameException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
