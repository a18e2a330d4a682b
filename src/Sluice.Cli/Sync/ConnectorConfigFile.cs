using System.Text.Json;
using MySqlConnector;
using Sluice.Replication.Discovery;

namespace Sluice.Cli.Sync;

/// <summary>
/// The connector config file (JSON) given to <c>sluice sync --config</c> and <c>sluice verify --config</c>: data
/// blocking (include/exclude schemas, tables and columns), hashed columns, and snapshot tuning. Every field is optional:
/// <code>
/// {
///   "connectorId": "shop",
///   "includeSchemas": ["shop"],            "excludeSchemas": ["scratch"],
///   "includeTables": ["shop.orders"],      "excludeTables": ["shop.audit_log"],
///   "includeColumns": ["shop.customers.name"], "excludeColumns": ["shop.customers.notes"],
///   "hashedColumns": ["shop.customers.email"],
///   "chunkSize": 10000,
///   "parallelSnapshots": 2
/// }
/// </code>
/// Unknown fields, wrong types and malformed names fail with one line naming the field (<see cref="CliError"/>).
/// </summary>
public sealed record ConnectorConfigFile
{
    public const string DefaultConnectorId = "default";
    public const int DefaultChunkSize = 10_000;
    public const int DefaultParallelSnapshots = 2;

    public string ConnectorId { get; init; } = DefaultConnectorId;
    public IReadOnlyList<string>? IncludeSchemas { get; init; }
    public IReadOnlyList<string> ExcludeSchemas { get; init; } = [];
    public IReadOnlyList<string>? IncludeTables { get; init; }
    public IReadOnlyList<string> ExcludeTables { get; init; } = [];

    /// <summary>Per named table, the columns to keep (primary key columns are always kept); other tables keep all.</summary>
    public IReadOnlyList<string> IncludeColumns { get; init; } = [];
    public IReadOnlyList<string> ExcludeColumns { get; init; } = [];
    public IReadOnlyList<string> HashedColumns { get; init; } = [];
    public int ChunkSize { get; init; } = DefaultChunkSize;
    public int ParallelSnapshots { get; init; } = DefaultParallelSnapshots;

    /// <summary>The field names accepted, in documentation order.</summary>
    public static IReadOnlyList<string> Fields { get; } =
    [
        "connectorId", "includeSchemas", "excludeSchemas", "includeTables", "excludeTables", "includeColumns",
        "excludeColumns", "hashedColumns", "chunkSize", "parallelSnapshots",
    ];

    /// <summary>Reads and validates a config file; null path gives the defaults.</summary>
    public static ConnectorConfigFile Load(string? path)
    {
        if (path is null) return new ConnectorConfigFile();
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CliError($"config file '{path}' cannot be read ({ex.Message}): check the --config path", 2);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates config JSON; <paramref name="name"/> prefixes every error.</summary>
    public static ConnectorConfigFile Parse(string json, string name = "config")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}" : "";
            throw new CliError($"config file '{name}' is not valid JSON{where}: {FirstSentence(ex.Message)}", 2);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CliError($"config file '{name}' must hold one JSON object ({{ \"includeSchemas\": [...], ... }}), not {Describe(root.ValueKind)}", 2);
            }

            CliError Bad(string field, string problem) => new($"config file '{name}': '{field}' {problem}", 2);

            var config = new ConnectorConfigFile();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var field = Fields.FirstOrDefault(f => string.Equals(f, property.Name, StringComparison.OrdinalIgnoreCase));
                if (field is null)
                {
                    throw new CliError($"config file '{name}': unknown field '{property.Name}' (known fields: {string.Join(", ", Fields)})", 2);
                }
                if (!seen.Add(field)) throw Bad(field, "is given twice");
                var value = property.Value;
                switch (field)
                {
                    case "connectorId":
                        if (value.ValueKind != JsonValueKind.String) throw Bad(field, "must be a string");
                        var id = value.GetString()!;
                        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                        {
                            throw Bad(field, $"must be 1 to 64 letters, digits, '-', '_' or '.' (got \"{id}\")");
                        }
                        config = config with { ConnectorId = id };
                        break;
                    case "includeSchemas":
                        config = config with { IncludeSchemas = Names(value, field, 1, Bad) };
                        break;
                    case "excludeSchemas":
                        config = config with { ExcludeSchemas = Names(value, field, 1, Bad) };
                        break;
                    case "includeTables":
                        config = config with { IncludeTables = Names(value, field, 2, Bad) };
                        break;
                    case "excludeTables":
                        config = config with { ExcludeTables = Names(value, field, 2, Bad) };
                        break;
                    case "includeColumns":
                        config = config with { IncludeColumns = Names(value, field, 3, Bad) };
                        break;
                    case "excludeColumns":
                        config = config with { ExcludeColumns = Names(value, field, 3, Bad) };
                        break;
                    case "hashedColumns":
                        config = config with { HashedColumns = Names(value, field, 3, Bad) };
                        break;
                    case "chunkSize":
                        config = config with { ChunkSize = Integer(value, field, 1, 10_000_000, Bad) };
                        break;
                    case "parallelSnapshots":
                        config = config with { ParallelSnapshots = Integer(value, field, 1, 64, Bad) };
                        break;
                }
            }

            foreach (var hashed in config.HashedColumns)
            {
                if (config.ExcludeColumns.Contains(hashed, StringComparer.OrdinalIgnoreCase))
                {
                    throw Bad("hashedColumns", $"names '{hashed}', which 'excludeColumns' blocks: keep it in one list only");
                }
            }
            return config;
        }
    }

    /// <summary>The blocking filter, without <see cref="IncludeColumns"/> (see <see cref="ResolveFilterAsync"/>).</summary>
    public DiscoveryFilter StaticFilter() => DiscoveryFilter.FromNames(IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables, ExcludeColumns);

    /// <summary>
    /// The blocking filter. <see cref="IncludeColumns"/> becomes exclusions of the named tables' other (non-key) columns,
    /// which needs the tables' columns from the source; a named column the table lacks fails with a clear line.
    /// </summary>
    public async Task<DiscoveryFilter> ResolveFilterAsync(MySqlConnection source, CancellationToken cancellationToken)
    {
        var filter = StaticFilter();
        if (IncludeColumns.Count == 0) return filter;
        var keep = new Dictionary<TableId, HashSet<string>>();
        foreach (var dotted in IncludeColumns)
        {
            var (table, column) = SplitColumn(dotted);
            if (!keep.TryGetValue(table, out var set)) keep[table] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            set.Add(column);
        }
        var discovered = await SchemaDiscovery.DiscoverAsync(source, filter with { IncludeTables = keep.Keys.ToHashSet() }, cancellationToken);
        var excluded = new List<string>(ExcludeColumns);
        foreach (var (tableId, columns) in keep)
        {
            var table = discovered.FirstOrDefault(t => t.Id == tableId);
            if (table is null) continue; // blocked or absent: nothing to narrow
            foreach (var wanted in columns)
            {
                if (table.Column(wanted) is null)
                {
                    throw new CliError($"config: 'includeColumns' names {tableId}.{wanted}, but {tableId} has no column '{wanted}'", 2);
                }
            }
            excluded.AddRange(table.Columns.Where(c => !c.IsPrimaryKey && !columns.Contains(c.Name)).Select(c => $"{tableId}.{c.Name}"));
        }
        return DiscoveryFilter.FromNames(IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables, excluded);
    }

    private static (TableId Table, string Column) SplitColumn(string dotted)
    {
        var first = dotted.IndexOf('.');
        var last = dotted.LastIndexOf('.');
        return (new TableId(dotted[..first], dotted[(first + 1)..last]), dotted[(last + 1)..]);
    }

    private static IReadOnlyList<string> Names(JsonElement value, string field, int parts, Func<string, string, CliError> bad)
    {
        var shape = parts switch { 1 => "schema", 2 => "schema.table", _ => "schema.table.column" };
        if (value.ValueKind != JsonValueKind.Array) throw bad(field, $"must be an array of \"{shape}\" strings");
        var names = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw bad(field, $"must be an array of \"{shape}\" strings (found {Describe(item.ValueKind)})");
            var name = item.GetString()!;
            var pieces = name.Split('.');
            if (pieces.Length != parts || pieces.Any(p => p.Length == 0 || p.Trim() != p))
            {
                throw bad(field, $"holds \"{name}\", which is not {shape}");
            }
            names.Add(name);
        }
        return names;
    }

    private static int Integer(JsonElement value, string field, int min, int max, Func<string, string, CliError> bad)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n) || n < min || n > max)
        {
            throw bad(field, $"must be an integer from {min} to {max:N0} (got {value.GetRawText()})");
        }
        return (int)n;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
