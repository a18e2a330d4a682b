using Microsoft.Extensions.Logging;

namespace Sluice.Cli.Sync;

/// <summary><see cref="ISyncEngine"/> over Sluice.Host's SingleNodeHost (one local actor system, one connector).</summary>
public static class SingleNodeSyncEngine
{
    public static Task<ISyncEngine> StartAsync(SyncRequest request, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        throw new CliError("sync: the actor layer (Sluice.Host) is not part of this build yet", 1);

    /// <summary>The connector's column-hashing salt from its state store (null when the connector never ran).</summary>
    public static Task<byte[]?> ReadSaltAsync(string stateDirectory, string connectorId, CancellationToken cancellationToken) =>
        throw new CliError("verify: reading the hashing salt needs the actor layer (Sluice.Host), which is not part of this build yet", 1);
}
