using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Actors.Connector;
using Sluice.Host;

namespace Sluice.Cli.Sync;

/// <summary>
/// Reads a connector's column-hashing salt from its state store (<c>&lt;state&gt;/sluice-state.db</c>), for
/// <c>sluice verify</c>: the connector's persisted state is recovered by <see cref="SingleNodeHost.ReadConnectorStateAsync"/>
/// (the same code the connector itself recovers with, so no knowledge of the journal's format lives here). Read-only;
/// the connector need not run.
/// </summary>
public static class StateStoreSalt
{
    public static async Task<byte[]?> ReadAsync(string stateDirectory, string connectorId, CancellationToken cancellationToken)
    {
        var persistence = new PersistenceOptions { StateDirectory = stateDirectory };
        if (!File.Exists(persistence.StateFilePath)) return null;
        try
        {
            await using var host = await SingleNodeHost.StartAsync(new SingleNodeOptions { Persistence = persistence },
                NullLoggerFactory.Instance, cancellationToken);
            var state = await host.ReadConnectorStateAsync(connectorId, cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return state.SaltBytes();
        }
        catch (TimeoutException)
        {
            throw new CliError($"the state store {persistence.StateFilePath} did not answer within 60 s: pass the sync's --state folder", 1);
        }
    }
}
