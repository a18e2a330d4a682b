using System.Text.RegularExpressions;
using MySqlConnector;
using Sluice.Replication.Connectors;
using Sluice.Replication.Discovery;

namespace Sluice.Actors.Contracts;

/// <summary>
/// A connector as users define it (the admin API's and <c>sluice ctl connector create -f FILE</c>'s JSON): plain,
/// JSON-friendly data, persisted by the connector's sharded entity (so an entity re-created on another node knows its
/// configuration from its own journal) and turned into a <see cref="ConnectorConfig"/> to run.
/// </summary>
public sealed partial record ConnectorDefinition
{
    public string Id { get; init; } = "";

    /// <summary>MySqlConnector connection string of the replication user (holds a password: never returned or logged).</summary>
    public string SourceConnectionString { get; init; } = "";

    /// <summary>The DuckDB destination file (on storage every node can reach when the connector may move between nodes).</summary>
    public string DestinationPath { get; init; } = "";

    public IReadOnlyList<string>? IncludeSchemas { get; init; }
    public IReadOnlyList<string>? ExcludeSchemas { get; init; }

    /// <summary><c>schema.table</c> names.</summary>
    public IReadOnlyList<string>? IncludeTables { get; init; }
    public IReadOnlyList<string>? ExcludeTables { get; init; }

    /// <summary><c>schema.table.column</c> names.</summary>
    public IReadOnlyList<string>? ExcludeColumns { get; init; }

    /// <summary>Columns stored as salted SHA-256 (<c>schema.table.column</c>).</summary>
    public IReadOnlyList<string>? HashedColumns { get; init; }

    public int ChunkSize { get; init; } = 10_000;
    public int MaxParallelSnapshots { get; init; } = 2;

    /// <summary>The replica server id the binlog client announces (null: random).</summary>
    public uint? ServerId { get; init; }

    /// <summary>Kill the replication user's other connections at the first start (the user must be the connector's own).</summary>
    public bool KillZombieConnections { get; init; } = true;

    /// <summary>Run the setup checks at start.</summary>
    public bool RunSetupChecks { get; init; } = true;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$")]
    private static partial Regex IdPattern();

    /// <summary>What is wrong with this definition, one message per problem, each naming its field (empty: valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Id)) errors.Add("id: required");
        else if (!IdPattern().IsMatch(Id)) errors.Add("id: letters, digits, '-', '_' and '.' only (at most 100)");
        if (string.IsNullOrWhiteSpace(SourceConnectionString)) errors.Add("sourceConnectionString: required");
        else
        {
            try
            {
                var source = new MySqlConnectionStringBuilder(SourceConnectionString);
                if (string.IsNullOrEmpty(source.Server)) errors.Add("sourceConnectionString: no Server");
            }
            catch (ArgumentException ex)
            {
                errors.Add("sourceConnectionString: " + ex.Message);
            }
        }
        if (string.IsNullOrWhiteSpace(DestinationPath)) errors.Add("destinationPath: required");
        if (ChunkSize is < 1 or > 1_000_000) errors.Add("chunkSize: between 1 and 1000000");
        if (MaxParallelSnapshots is < 1 or > 64) errors.Add("maxParallelSnapshots: between 1 and 64");
        try
        {
            _ = Filter();
        }
        catch (ArgumentException ex)
        {
            errors.Add("includeTables/excludeTables/excludeColumns: " + ex.Message);
        }
        foreach (var column in HashedColumns ?? [])
        {
            if (column.Count(c => c == '.') < 2) errors.Add($"hashedColumns: '{column}' is not schema.table.column");
        }
        return errors;
    }

    public DiscoveryFilter Filter() => DiscoveryFilter.FromNames(IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables, ExcludeColumns);

    /// <summary>The configuration the connector actor runs with; <paramref name="runId"/> names its state (<c>connector-&lt;runId&gt;</c>).</summary>
    public ConnectorConfig ToConfig(string runId) =>
        new(runId, SourceConnectionString, DestinationPath, Filter(), HashedColumns ?? [], ChunkSize, MaxParallelSnapshots)
        {
            ServerId = ServerId,
            KillZombieConnections = KillZombieConnections,
            RunSetupChecks = RunSetupChecks,
        };

    /// <summary>This definition with the source password replaced by <c>***</c> (for API answers and logs).</summary>
    public ConnectorDefinition Redacted() => this with { SourceConnectionString = RedactPassword(SourceConnectionString) };

    /// <summary>Replaces the password of a MySqlConnector connection string by <c>***</c>; an unparsable string is hidden whole.</summary>
    public static string RedactPassword(string connectionString)
    {
        try
        {
            var builder = new MySqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password)) builder.Password = "***";
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "***";
        }
    }
}
