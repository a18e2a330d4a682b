using System.Text.Json;
using Sluice.Replication.Connectors;

namespace Sluice.Cli.Sync;

/// <summary>
/// Reads the connector config file (JSON) given to <c>sluice sync --config</c> and <c>sluice verify --config</c> into a
/// <see cref="ConnectorDefinition"/> (the one definition the admin API and the cluster use too; the source and the
/// destination come from the command line). Data blocking (include/exclude schemas, tables and columns), hashed columns
/// and snapshot tuning; every field is optional:
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
/// Unknown fields and wrong types fail with one line naming the field (<see cref="CliError"/>); the values are then
/// checked by <see cref="ConnectorDefinition.ValidateSettings"/> (<see cref="ConnectorRules"/>). The names <c>id</c> and
/// <c>maxParallelSnapshots</c> are accepted as aliases of <c>connectorId</c> and <c>parallelSnapshots</c>.
/// </summary>
public static class ConnectorConfigFile
{
    public const string DefaultConnectorId = "default";

    /// <summary>The field names accepted, in documentation order.</summary>
    public static IReadOnlyList<string> Fields { get; } =
    [
        "connectorId", "includeSchemas", "excludeSchemas", "includeTables", "excludeTables", "includeColumns",
        "excludeColumns", "hashedColumns", "chunkSize", "parallelSnapshots",
    ];

    /// <summary>The definition a run without a config file uses (connector id <see cref="DefaultConnectorId"/>, everything replicated).</summary>
    public static ConnectorDefinition Defaults => new() { Id = DefaultConnectorId };

    /// <summary>Reads and validates a config file; null path gives <see cref="Defaults"/>.</summary>
    public static ConnectorDefinition Load(string? path)
    {
        if (path is null) return Defaults;
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
    public static ConnectorDefinition Parse(string json, string name = "config")
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

            var config = Defaults;
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
                config = field switch
                {
                    "connectorId" => config with
                    {
                        Id = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Bad(field, "must be a string"),
                    },
                    "includeSchemas" => config with { IncludeSchemas = ParseNames(value, field, 1, Bad) },
                    "excludeSchemas" => config with { ExcludeSchemas = ParseNames(value, field, 1, Bad) },
                    "includeTables" => config with { IncludeTables = ParseNames(value, field, 2, Bad) },
                    "excludeTables" => config with { ExcludeTables = ParseNames(value, field, 2, Bad) },
                    "includeColumns" => config with { IncludeColumns = ParseNames(value, field, 3, Bad) },
                    "excludeColumns" => config with { ExcludeColumns = ParseNames(value, field, 3, Bad) },
                    "hashedColumns" => config with { HashedColumns = ParseNames(value, field, 3, Bad) },
                    "chunkSize" => config with { ChunkSize = Integer(value, field, ConnectorRules.MinChunkSize, ConnectorRules.MaxChunkSize, Bad) },
                    _ => config with { ParallelSnapshots = Integer(value, field, ConnectorRules.MinParallelSnapshots, ConnectorRules.MaxParallelSnapshots, Bad) },
                };
            }

            if (ConnectorRules.IdProblem(config.Id) is { } idProblem) throw new CliError($"config file '{name}': {idProblem}", 2);
            if (config.ValidateSettings() is [var first, ..]) throw new CliError($"config file '{name}': {first}", 2);
            return config;
        }
    }

    private static IReadOnlyList<string> ParseNames(JsonElement value, string field, int parts, Func<string, string, CliError> bad)
    {
        var shape = parts switch { 1 => "schema", 2 => "schema.table", _ => "schema.table.column" };
        if (value.ValueKind != JsonValueKind.Array) throw bad(field, $"must be an array of \"{shape}\" strings");
        var names = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw bad(field, $"must be an array of \"{shape}\" strings (found {Describe(item.ValueKind)})");
            names.Add(item.GetString()!);
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
