using System.Security.Cryptography;
using System.Text;
using MySqlConnector;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Connectors;

/// <summary>
/// One connector: a source database replicated into one destination. Plain data: the actor layer runs it, the command
/// line builds it from its options and config file.
/// </summary>
/// <param name="Id">The connector's id (persistence id <c>connector-&lt;id&gt;</c>); letters, digits, '-', '_' and '.'.</param>
/// <param name="SourceConnectionString">MySqlConnector connection string of the replication user.</param>
/// <param name="DestinationPath">The DuckDB database file.</param>
/// <param name="Filter">Data blocking (null: every table the user can read).</param>
/// <param name="HashedColumns">Columns stored as salted SHA-256 (<c>schema.table.column</c>).</param>
/// <param name="ChunkSize">Rows per primary-key snapshot chunk (and per no-PK snapshot batch).</param>
/// <param name="MaxParallelSnapshots">Tables copied at the same time.</param>
public sealed record ConnectorConfig(
    string Id,
    string SourceConnectionString,
    string DestinationPath,
    DiscoveryFilter? Filter,
    IReadOnlyList<string> HashedColumns,
    int ChunkSize = 10_000,
    int MaxParallelSnapshots = 2)
{
    /// <summary>At most this many row changes in one batch the binlog reader hands on (a transaction larger than this spills over several).</summary>
    public int MaxBatchRowChanges { get; init; } = 5_000;

    /// <summary>
    /// Batches read ahead from the binlog and not yet applied by every table (the reader's bound). Batches waiting at a
    /// table while it writes are applied together in one destination transaction, so the bound is also how far that
    /// coalescing can go (up to 5 × 5,000 while one batch is written).
    /// </summary>
    public int MaxInFlightBatches { get; init; } = 6;

    /// <summary>The stream checkpoint is persisted at most this often (destination positions make replays idempotent).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Run the setup checks before anything (a failure stops the connector with one line per problem).</summary>
    public bool RunSetupChecks { get; init; } = true;

    /// <summary>Kill this user's other connections at start (zombie cleanup; the user must be the connector's own).</summary>
    public bool KillZombieConnections { get; init; } = true;

    /// <summary>The replica server id the binlog client announces (null: random).</summary>
    public uint? ServerId { get; init; }

    /// <summary>The delay before the first restart of a failed stream or snapshot; doubles per failure up to <see cref="MaxRestartDelay"/>.</summary>
    public TimeSpan MinRestartDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What decides the destination's content apart from the source: the source server and database, the blocking
    /// filter and the hashed columns. A connector restarted with another fingerprint re-syncs every table.
    /// </summary>
    public string Fingerprint()
    {
        var source = new MySqlConnectionStringBuilder(SourceConnectionString);
        var text = new StringBuilder();
        text.Append("server=").Append(source.Server).Append(':').Append(source.Port).Append('\n');
        text.Append("database=").Append(source.Database).Append('\n');
        var filter = Filter ?? DiscoveryFilter.All;
        static string Join(IEnumerable<string>? items) => items is null ? "*" : string.Join(",", items.Order(StringComparer.Ordinal));
        text.Append("include-schemas=").Append(Join(filter.IncludeSchemas)).Append('\n');
        text.Append("exclude-schemas=").Append(Join(filter.ExcludeSchemas)).Append('\n');
        text.Append("include-tables=").Append(Join(filter.IncludeTables?.Select(t => t.ToString()))).Append('\n');
        text.Append("exclude-tables=").Append(Join(filter.ExcludeTables.Select(t => t.ToString()))).Append('\n');
        text.Append("exclude-columns=").Append(Join(filter.ExcludeColumns.SelectMany(p => p.Value.Select(c => p.Key + "." + c.ToLowerInvariant()))))
            .Append('\n');
        text.Append("hashed=").Append(Join(HashedColumns.Select(c => c.ToLowerInvariant()))).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
