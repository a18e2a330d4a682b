using Sluice.Actors.Connector;
using Sluice.Replication.Connectors;

namespace Sluice.Actors.Contracts;

// The connector entity (one sharded entity per connector id, docs/cluster.md) and its messages. Commands and replies cross
// nodes; events are persisted under the entity's own persistence id (connector-entity-<id>).

/// <summary>Creates (<paramref name="CreateOnly"/>) or updates a connector. Answered with <see cref="ConnectorCommandResult"/>.</summary>
public sealed record DefineConnector(string ConnectorId, ConnectorDefinition Definition, bool CreateOnly) : IConnectorMessage;

public sealed record PauseConnector(string ConnectorId) : IConnectorMessage;

public sealed record ResumeConnector(string ConnectorId) : IConnectorMessage;

/// <summary>Copies one table again (<paramref name="Table"/> = <c>schema.table</c>) or every table (null).</summary>
public sealed record ResyncConnector(string ConnectorId, string? Table) : IConnectorMessage;

public sealed record DeleteConnector(string ConnectorId) : IConnectorMessage;

/// <summary>Answered with <see cref="ConnectorInfo"/>.</summary>
public sealed record GetConnectorInfo(string ConnectorId) : IConnectorMessage;

/// <summary>The answer to a command.</summary>
/// <param name="Code">ok | created | not_found | conflict | invalid | busy.</param>
public sealed record ConnectorCommandResult(string ConnectorId, string Code, string Message) : ISluiceMessage
{
    public bool Ok => Code is "ok" or "created";
}

/// <summary>A connector as the admin API shows it (the source password redacted).</summary>
/// <param name="State">not_found | running | paused | failed (the run ended with an error; it is retried) | stopping.</param>
/// <param name="Node">The cluster address of the node that hosts the entity.</param>
/// <param name="Status">The running (or last) connector's status.</param>
/// <param name="LastError">What is wrong now (source or journal unreachable, a failing start...); null when healthy. The
/// status keeps the connector's last error even after it recovered.</param>
/// <param name="RunId">The connector actor's id (<c>&lt;id&gt;</c>, or <c>&lt;id&gt;.&lt;n&gt;</c> after a delete and re-create).</param>
public sealed record ConnectorInfo(
    string ConnectorId,
    string State,
    string Node,
    ConnectorDefinition? Definition,
    ConnectorStatus? Status,
    string? LastError,
    string? RunId,
    DateTimeOffset? StartedAt) : ISluiceMessage;

/// <summary>An event of the connector entity.</summary>
public interface IConnectorEntityEvent : ISluiceMessage;

/// <summary>The connector was created (or re-created after a delete: a new <paramref name="Incarnation"/>) or updated.</summary>
public sealed record ConnectorDefined(ConnectorDefinition Definition, int Incarnation, DateTimeOffset At) : IConnectorEntityEvent;

public sealed record ConnectorPaused(DateTimeOffset At) : IConnectorEntityEvent;

public sealed record ConnectorResumed(DateTimeOffset At) : IConnectorEntityEvent;

public sealed record ConnectorDeleted(DateTimeOffset At) : IConnectorEntityEvent;

/// <summary>The entity's persisted state (also its snapshot).</summary>
public sealed record ConnectorEntityState(ConnectorDefinition? Definition, int Incarnation, bool Paused, bool Deleted) : ISluiceMessage
{
    public static ConnectorEntityState Empty { get; } = new(null, 0, false, true);

    public bool Exists => Definition is not null && !Deleted;

    /// <summary>The connector actor's id: its state lives under <c>connector-&lt;RunId&gt;</c>.</summary>
    public string? RunId => Definition is null ? null : Incarnation <= 1 ? Definition.Id : $"{Definition.Id}.{Incarnation}";

    public ConnectorEntityState Apply(IConnectorEntityEvent e) => e switch
    {
        ConnectorDefined d => new ConnectorEntityState(d.Definition, d.Incarnation, Paused && !Deleted, false),
        ConnectorPaused => this with { Paused = true },
        ConnectorResumed => this with { Paused = false },
        ConnectorDeleted => this with { Deleted = true, Paused = false },
        _ => throw new ArgumentException($"unknown connector entity event {e.GetType().Name}", nameof(e)),
    };
}
