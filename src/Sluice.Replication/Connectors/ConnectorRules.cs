using System.Globalization;

namespace Sluice.Replication.Connectors;

/// <summary>
/// The one set of rules every connector definition follows, whether it comes from <c>sluice sync --config</c>, the
/// admin API or a cluster journal: the id rule, the limits, the JSON field names and their accepted aliases. Each check
/// returns one line naming the field and the fix.
/// </summary>
public static class ConnectorRules
{
    /// <summary>The longest connector id.</summary>
    public const int MaxIdLength = 64;

    public const int MinChunkSize = 1;
    public const int MaxChunkSize = 10_000_000;
    public const int DefaultChunkSize = 10_000;

    public const int MinParallelSnapshots = 1;
    public const int MaxParallelSnapshots = 64;
    public const int DefaultParallelSnapshots = 2;

    /// <summary>
    /// Older field names still accepted (files and journals written before the names were unified), mapped to the
    /// current name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["maxParallelSnapshots"] = "parallelSnapshots",
        ["id"] = "connectorId",
    };

    /// <summary>
    /// Why <paramref name="id"/> is not a connector id, or null when it is one. An id is a safe path segment: 1 to
    /// <see cref="MaxIdLength"/> letters, digits, '-', '_' and '.', not starting with a dot (so never "." or "..").
    /// </summary>
    public static string? IdProblem(string? id, string field = "connectorId")
    {
        if (string.IsNullOrEmpty(id)) return $"'{field}' is required: give 1 to {MaxIdLength} letters, digits, '-', '_' or '.'";
        if (id.Length > MaxIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || id[0] == '.')
        {
            return $"'{field}' must be 1 to {MaxIdLength} letters, digits, '-', '_' or '.', not starting with '.' (got \"{id}\")";
        }
        return null;
    }

    /// <summary>Whether <paramref name="id"/> is a valid connector id (<see cref="IdProblem"/>).</summary>
    public static bool IsValidId(string? id) => IdProblem(id) is null;

    public static string? ChunkSizeProblem(long value) => RangeProblem("chunkSize", value, MinChunkSize, MaxChunkSize);

    public static string? ParallelSnapshotsProblem(long value) => RangeProblem("parallelSnapshots", value, MinParallelSnapshots, MaxParallelSnapshots);

    /// <summary>One line when <paramref name="value"/> is outside [min, max].</summary>
    public static string? RangeProblem(string field, long value, long min, long max) =>
        value < min || value > max
            ? string.Create(CultureInfo.InvariantCulture, $"'{field}' must be an integer from {min:N0} to {max:N0} (got {value})")
            : null;

    /// <summary>
    /// Problems with dotted names: each must have <paramref name="parts"/> non-empty parts (1 schema, 2 schema.table,
    /// 3 schema.table.column).
    /// </summary>
    public static IEnumerable<string> NameProblems(string field, IEnumerable<string>? names, int parts)
    {
        var shape = parts switch { 1 => "schema", 2 => "schema.table", _ => "schema.table.column" };
        foreach (var name in names ?? [])
        {
            var pieces = (name ?? "").Split('.');
            if (pieces.Length != parts || pieces.Any(p => p.Length == 0 || p.Trim() != p))
            {
                yield return $"'{field}' holds \"{name}\", which is not {shape}: write it as {shape}";
            }
        }
    }

    /// <summary>
    /// Every problem with the parts of a definition that need no source: id, limits, name shapes, and hashed columns
    /// that are also excluded. Empty when valid.
    /// </summary>
    public static IReadOnlyList<string> Validate(
        string? connectorId,
        long chunkSize,
        long parallelSnapshots,
        IEnumerable<string>? includeSchemas,
        IEnumerable<string>? excludeSchemas,
        IEnumerable<string>? includeTables,
        IEnumerable<string>? excludeTables,
        IEnumerable<string>? includeColumns,
        IEnumerable<string>? excludeColumns,
        IEnumerable<string>? hashedColumns,
        string idField = "connectorId")
    {
        var errors = new List<string>();
        if (IdProblem(connectorId, idField) is { } id) errors.Add(id);
        if (ChunkSizeProblem(chunkSize) is { } chunk) errors.Add(chunk);
        if (ParallelSnapshotsProblem(parallelSnapshots) is { } parallel) errors.Add(parallel);
        errors.AddRange(NameProblems("includeSchemas", includeSchemas, 1));
        errors.AddRange(NameProblems("excludeSchemas", excludeSchemas, 1));
        errors.AddRange(NameProblems("includeTables", includeTables, 2));
        errors.AddRange(NameProblems("excludeTables", excludeTables, 2));
        errors.AddRange(NameProblems("includeColumns", includeColumns, 3));
        errors.AddRange(NameProblems("excludeColumns", excludeColumns, 3));
        errors.AddRange(NameProblems("hashedColumns", hashedColumns, 3));
        var excluded = (excludeColumns ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var hashed in hashedColumns ?? [])
        {
            if (excluded.Contains(hashed))
            {
                errors.Add($"'hashedColumns' names '{hashed}', which 'excludeColumns' blocks: keep it in one list only");
            }
        }
        return errors;
    }
}
