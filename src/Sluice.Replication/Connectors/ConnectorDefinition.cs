using System.Text.Json.Serialization;
using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Replication.Secrets;

namespace Sluice.Replication.Connectors;

/// <summary>
/// The one definition of a connector, whoever writes it: the admin API's and <c>sluice ctl connector create -f FILE</c>'s
/// JSON, the config file of <c>sluice sync --config</c> (read by the CLI's ConnectorConfigFile, with the source and
/// destination from the command line) and the cluster journal (the connector entity persists it, so an entity
/// re-created on another node knows its configuration). Plain, JSON-friendly data, turned into a
/// <see cref="ConnectorConfig"/> to run. Its rules and limits are <see cref="ConnectorRules"/> (<see cref="Validate"/>);
/// <c>maxParallelSnapshots</c> (the name journals written earlier hold) and <c>connectorId</c> are accepted as aliases
/// of <c>parallelSnapshots</c> and <c>id</c>.
/// </summary>
public sealed record ConnectorDefinition
{
    public string Id { get; init; } = "";

    /// <summary>Alias of <see cref="Id"/> when reading (the CLI config file's name); never written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ConnectorId
    {
        get => null;
        init { if (value is not null) Id = value; }
    }

    /// <summary>MySqlConnector connection string of the replication user (holds a password: never returned or logged).</summary>
    public string SourceConnectionString { get; init; } = "";

    /// <summary>The DuckDB destination file (on storage every node can reach when the connector may move between nodes).</summary>
    public string DestinationPath { get; init; } = "";

    public IReadOnlyList<string>? IncludeSchemas { get; init; }
    public IReadOnlyList<string>? ExcludeSchemas { get; init; }

    /// <summary><c>schema.table</c> names.</summary>
    public IReadOnlyList<string>? IncludeTables { get; init; }
    public IReadOnlyList<string>? ExcludeTables { get; init; }

    /// <summary>
    /// <c>schema.table.column</c> names: per named table, the columns to keep (primary key columns are always kept);
    /// resolved against the source at each start (<see cref="ConnectorNames.ResolveFilter"/>).
    /// </summary>
    public IReadOnlyList<string>? IncludeColumns { get; init; }

    /// <summary><c>schema.table.column</c> names.</summary>
    public IReadOnlyList<string>? ExcludeColumns { get; init; }

    /// <summary>Columns stored as salted SHA-256 (<c>schema.table.column</c>).</summary>
    public IReadOnlyList<string>? HashedColumns { get; init; }

    public int ChunkSize { get; init; } = ConnectorRules.DefaultChunkSize;

    /// <summary>Tables copied at the same time.</summary>
    public int ParallelSnapshots { get; init; } = ConnectorRules.DefaultParallelSnapshots;

    /// <summary>Alias of <see cref="ParallelSnapshots"/> when reading (the name in journals written earlier); never written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxParallelSnapshots
    {
        get => null;
        init { if (value is { } n) ParallelSnapshots = n; }
    }

    /// <summary>The replica server id the binlog client announces (null: random).</summary>
    public uint? ServerId { get; init; }

    /// <summary>Kill the replication user's other connections at the first start (the user must be the connector's own).</summary>
    public bool KillZombieConnections { get; init; } = true;

    /// <summary>Run the setup checks at start.</summary>
    public bool RunSetupChecks { get; init; } = true;

    /// <summary>What is wrong with this definition, one line per problem, each naming its field and the fix (empty: valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ConnectorRules.IdProblem(Id, "id") is { } idProblem) errors.Add(idProblem);
        if (string.IsNullOrWhiteSpace(SourceConnectionString))
        {
            errors.Add("'sourceConnectionString' is required: give a MySqlConnector connection string (\"Server=db;User ID=...;Password=...\")");
        }
        else
        {
            try
            {
                var source = new MySqlConnectionStringBuilder(SourceConnectionString);
                if (string.IsNullOrEmpty(source.Server)) errors.Add("'sourceConnectionString' has no Server: add \"Server=HOST\"");
            }
            catch (ArgumentException ex)
            {
                errors.Add($"'sourceConnectionString' is not a valid connection string ({Redaction.Scrub(ex.Message, Redaction.SecretsInArguments([SourceConnectionString]))}): write it like \"Server=db;User ID=...;Password=...\"");
            }
        }
        if (string.IsNullOrWhiteSpace(DestinationPath)) errors.Add("'destinationPath' is required: give the DuckDB file's path");
        errors.AddRange(ValidateSettings());
        return errors;
    }

    /// <summary>
    /// The problems of the parts that need neither the source nor the destination (limits, name shapes, hashed columns
    /// that are also excluded): what a config file, which leaves both to the command line, must pass.
    /// </summary>
    public IReadOnlyList<string> ValidateSettings() =>
        ConnectorRules.Validate(Id, ChunkSize, ParallelSnapshots, IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables,
            IncludeColumns, ExcludeColumns, HashedColumns, idField: "id")
            .Where(e => !e.StartsWith("'id'", StringComparison.Ordinal))
            .ToList();

    /// <summary>Why <paramref name="id"/> cannot name a connector (one line), or null.</summary>
    public static string? IdProblem(string id) => ConnectorRules.IdProblem(id, "id");

    /// <summary>The source names this definition lists, for <see cref="SourceNameCheck"/> and includeColumns.</summary>
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

    /// <summary>The blocking filter without includeColumns (which needs the source: <see cref="ConnectorNames.ResolveFilter"/>).</summary>
    public DiscoveryFilter Filter() => Names().StaticFilter();

    /// <summary>
    /// The configuration the connector actor runs with; <paramref name="runId"/> names its state
    /// (<c>connector-&lt;runId&gt;</c>). <paramref name="resolvedFilter"/> is the filter resolved against the source
    /// (needed when includeColumns is given); null uses <see cref="Filter"/>.
    /// </summary>
    public ConnectorConfig ToConfig(string runId, DiscoveryFilter? resolvedFilter = null) =>
        new(runId, SourceConnectionString, DestinationPath, resolvedFilter ?? Filter(), HashedColumns ?? [], ChunkSize, ParallelSnapshots)
        {
            ServerId = ServerId,
            KillZombieConnections = KillZombieConnections,
            RunSetupChecks = RunSetupChecks,
        };

    /// <summary>This definition with the source password replaced by <c>***</c> (for API answers and logs).</summary>
    public ConnectorDefinition Redacted() => this with { SourceConnectionString = Redaction.Redact(SourceConnectionString) };
}
