namespace Sluice.Actors.Contracts;

/// <summary>
/// Marks the messages that are persisted (connector events and snapshots) or that cross nodes (commands to a connector,
/// which the cluster shards by connector id). They are bound to <see cref="Serialization.SluiceJsonSerializer"/>
/// (System.Text.Json), so they must be plain records of JSON-friendly values.
/// </summary>
public interface ISluiceMessage;

/// <summary>A message for one connector (the sharding key).</summary>
public interface IConnectorMessage : ISluiceMessage
{
    string ConnectorId { get; }
}
