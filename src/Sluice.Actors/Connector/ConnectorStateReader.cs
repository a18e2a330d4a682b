using Akka.Actor;
using Akka.Persistence;
using Sluice.Actors.Contracts;

namespace Sluice.Actors.Connector;

/// <summary>
/// Recovers a connector's <see cref="ConnectorState"/> from the journal without running it (e.g. for
/// <c>sluice verify</c>, which needs the column-hashing salt): replays, completes <paramref name="result"/>, stops.
/// It never persists, so it may run beside the connector itself.
/// </summary>
public sealed class ConnectorStateReader : ReceivePersistentActor
{
    private readonly string _connectorId;
    private ConnectorState _state = ConnectorState.Empty;

    public static Props Props(string connectorId, TaskCompletionSource<ConnectorState> result) =>
        Akka.Actor.Props.Create(() => new ConnectorStateReader(connectorId, result));

    private readonly TaskCompletionSource<ConnectorState> _result;

    public ConnectorStateReader(string connectorId, TaskCompletionSource<ConnectorState> result)
    {
        _connectorId = connectorId;
        _result = result;
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ConnectorState state) _state = state;
        });
        Recover<IConnectorEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            result.TrySetResult(_state);
            Context.Stop(Self);
        });
    }

    public override string PersistenceId => "connector-" + _connectorId;

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _result.TrySetException(reason);
        base.OnRecoveryFailure(reason, message);
    }
}

/// <summary>Helpers on <see cref="ConnectorState"/>.</summary>
public static class ConnectorStateExtensions
{
    /// <summary>The column-hashing salt bytes, or null for a connector that never started.</summary>
    public static byte[]? SaltBytes(this ConnectorState state) => state.Salt is null ? null : Convert.FromBase64String(state.Salt);
}
