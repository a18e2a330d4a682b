using System.Text.Json;
using Sluice.Replication.Connectors;
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
/// Unknown fields, wrong types and malformed names fail with one line naming the field (<see cref="CliError"/>). The
/// rules and limits are the ones every connector definition follows (<see cref="ConnectorRules"/>); the older names
/// <c>id</c> and <c>maxParallelSnapshots</c> are accepted as aliases of <c>connectorId</c> and <c>parallelSnapshots</c>.
/// </summary>
public sealed record ConnectorConfigFile
{
    public const string DefaultConnectorId = "default";
    public const int DefaultChunkSize = ConnectorRules.DefaultChunkSize;
    public const int DefaultParallelSnapshots = ConnectorRules.DefaultParallelSnapshots;

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
                var given = ConnectorRules.Aliases.TryGetValue(property.Name, out var current) ? current : property.Name;
                var field = Fields.FirstOrDefault(f => string.Equals(f, given, StringComparison.OrdinalIgnoreCase));
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
                        if (ConnectorRules.IdProblem(id) is { } idProblem) throw new CliError($"config file '{name}': {idProblem}", 2);
                        config = config with { ConnectorId = id };
                        break;
                    case "includeSchemas":
                        config = config with { IncludeSchemas = ParseNames(value, field, 1, Bad) };
                        break;
                    case "excludeSchemas":
                        config = config with { ExcludeSchemas = ParseNames(value, field, 1, Bad) };
                        break;
                    case "includeTables":
                        config = config with { IncludeTables = ParseNames(value, field, 2, Bad) };
                        break;
                    case "excludeTables":
                        config = config with { ExcludeTables = ParseNames(value, field, 2, Bad) };
                        break;
                    case "includeColumns":
                        config = config with { IncludeColumns = ParseNames(value, field, 3, Bad) };
                        break;
                    case "excludeColumns":
                        config = config with { ExcludeColumns = ParseNames(value, field, 3, Bad) };
                        break;
                    case "hashedColumns":
                        config = config with { HashedColumns = ParseNames(value, field, 3, Bad) };
                        break;
                    case "chunkSize":
                        config = config with { ChunkSize = Integer(value, field, ConnectorRules.MinChunkSize, ConnectorRules.MaxChunkSize, Bad) };
                        break;
                    case "parallelSnapshots":
                        config = config with { ParallelSnapshots = Integer(value, field, ConnectorRules.MinParallelSnapshots, ConnectorRules.MaxParallelSnapshots, Bad) };
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

    /// <summary>The source names this file lists (blocking and hashed columns), resolved and checked in Sluice.Replication.</summary>
    public ConnectorNames Names() => new()
    {
        IncludeSchemas = IncludeSchemas,
        ExcludeSchemas = ExcludeSchemas,
        IncludeTables = IncludeTables,
        ExcludeTables = ExcludeTables,
        IncludeColumns = IncludeColumns,
        ExcludeColumns = ExcludeColumns,
        HashedColumns = HashedColumns,
    };

    /// <summary>The blocking filter, without <see cref="IncludeColumns"/> (see <see cref="ConnectorNames.ResolveFilter"/>).</summary>
    public DiscoveryFilter StaticFilter() => Names().StaticFilter();

    private static IReadOnlyList<string> ParseNames(JsonElement value, string field, int parts, Func<string, string, CliError> bad)
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
