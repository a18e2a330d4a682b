namespace Sluice.Actors.Contracts;

/// <summary>Asks a connector for its <see cref="Connector.ConnectorStatus"/>.</summary>
public sealed record GetConnectorStatus(string ConnectorId) : IConnectorMessage;

/// <summary>
/// Asks a connector to stop cleanly: it stops reading, lets in-flight destination writes finish, persists its checkpoint
/// and stops (the run then completes with <c>Stopped</c>).
/// </summary>
public sealed record StopConnector(string ConnectorId) : IConnectorMessage;
