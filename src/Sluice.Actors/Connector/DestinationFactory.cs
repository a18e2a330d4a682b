using Sluice.Actors.Destinations;
using Sluice.Replication.Connectors;
using Sluice.Replication.Destinations;
using Sluice.Replication.Destinations.DuckDb;
using Sluice.Replication.Positions;
using Sluice.Replication.Values;

namespace Sluice.Actors.Connector;

/// <summary>Opens a connector's destination from its configuration.</summary>
public interface IDestinationFactory
{
    /// <summary>
    /// Whether the destination exists and holds Sluice's ledger (a missing file, or one without the ledger, e.g.
    /// deleted and created again empty, means every table is copied again).
    /// </summary>
    Task<bool> ExistsAsync(ConnectorConfig config, CancellationToken ct);

    /// <summary>Opens (creating when needed) the destination; <paramref name="salt"/> is the column hashing's salt (base64).</summary>
    Task<SharedDestination> OpenAsync(ConnectorConfig config, string salt, CancellationToken ct);
}

/// <summary>A DuckDB file at <see cref="ConnectorConfig.DestinationPath"/>.</summary>
public sealed class DuckDbDestinationFactory : IDestinationFactory
{
    public static DuckDbDestinationFactory Instance { get; } = new();

    public Task<bool> ExistsAsync(ConnectorConfig config, CancellationToken ct) => DuckDbDestination.HasLedgerAsync(config.DestinationPath, ct);

    public async Task<SharedDestination> OpenAsync(ConnectorConfig config, string salt, CancellationToken ct)
    {
        var options = new DestinationOptions
        {
            Hashing = config.HashedColumns.Count == 0 ? null : new ColumnHashing(Convert.FromBase64String(salt), config.HashedColumns),
            PositionComparer = BinlogPositionComparer.Instance,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(config.DestinationPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        return new SharedDestination(await DuckDbDestination.OpenAsync(config.DestinationPath, options, ct));
    }
}
