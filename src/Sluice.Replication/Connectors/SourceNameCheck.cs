using Sluice.Replication.Discovery;

namespace Sluice.Replication.Connectors;

/// <summary>What <see cref="SourceNameCheck.Check"/> found: errors stop the start, warnings are logged.</summary>
public sealed record NameCheckResult(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

/// <summary>
/// Checks every name a connector definition lists against the source's tables, so that a typo (a hashed column that
/// would otherwise be replicated in clear text) stops the start with a line naming it and the closest existing name.
/// </summary>
public static class SourceNameCheck
{
    /// <summary>
    /// Checks <paramref name="names"/> against <paramref name="sourceTables"/> (discovered without any filter).
    /// A name that matches nothing is an error, unless it is in <paramref name="knownNames"/> (the names that
    /// matched at an earlier start of the same connector, written as listed): then the object was dropped since and it
    /// is only a warning. Pass null at a first start. Naming a primary-key column in <c>excludeColumns</c> is an error.
    /// </summary>
    public static NameCheckResult Check(IReadOnlyList<SourceTable> sourceTables, ConnectorNames names, IReadOnlySet<string>? knownNames = null)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        var schemas = sourceTables.Select(t => t.Id.Schema).Distinct(StringComparer.Ordinal).ToList();
        var tables = sourceTables.ToDictionary(t => t.Id.ToString(), StringComparer.Ordinal);
        var columns = sourceTables.SelectMany(t => t.Columns.Select(c => t.Id + "." + c.Name)).ToList();

        void Missing(string field, string name, string kind, IReadOnlyList<string> candidates)
        {
            var closest = Closest(name, candidates);
            var hint = closest is null ? "" : $"; did you mean {closest}?";
            if (knownNames?.Contains(name) == true)
            {
                warnings.Add($"'{field}': {name} matches no {kind} any more (dropped from the source?){hint}");
            }
            else
            {
                errors.Add($"'{field}': {name} matches no {kind}{hint}");
            }
        }

        void Schemas(string field, IReadOnlyList<string>? list)
        {
            foreach (var name in list ?? [])
            {
                if (!schemas.Contains(name, StringComparer.Ordinal)) Missing(field, name, "schema", schemas);
            }
        }

        void Tables(string field, IReadOnlyList<string>? list)
        {
            foreach (var name in list ?? [])
            {
                if (!tables.ContainsKey(name)) Missing(field, name, "table", tables.Keys.ToList());
            }
        }

        void Columns(string field, IReadOnlyList<string>? list, bool keyForbidden)
        {
            foreach (var name in list ?? [])
            {
                var (tableId, columnName) = ConnectorNames.SplitColumn(name);
                var column = tables.TryGetValue(tableId.ToString(), out var table) ? table.Column(columnName) : null;
                if (column is null)
                {
                    Missing(field, name, "column", columns);
                }
                else if (keyForbidden && column.IsPrimaryKey)
                {
                    errors.Add($"'{field}': {name} is part of the primary key of {tableId}, which is always replicated: remove it from '{field}'");
                }
            }
        }

        Schemas("includeSchemas", names.IncludeSchemas);
        Schemas("excludeSchemas", names.ExcludeSchemas);
        Tables("includeTables", names.IncludeTables);
        Tables("excludeTables", names.ExcludeTables);
        Columns("includeColumns", names.IncludeColumns, keyForbidden: false);
        Columns("excludeColumns", names.ExcludeColumns, keyForbidden: true);
        Columns("hashedColumns", names.HashedColumns, keyForbidden: false);
        return new NameCheckResult(errors, warnings);
    }

    /// <summary>The candidate with the smallest edit distance to <paramref name="name"/> (ignoring case), or null when there is none.</summary>
    public static string? Closest(string name, IReadOnlyList<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Levenshtein distance (insertions, deletions and substitutions cost 1).</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
