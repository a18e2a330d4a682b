using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sluice.Actors.Connector;

/// <summary>
/// What a connector actor needs from its process and that is not configuration: logging, the status callback and the
/// run's completion. Local to the node that runs the connector (never serialized).
/// </summary>
public sealed class ConnectorRuntime
{
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Called (on an actor thread: keep it short) with every new status, a few times a second.</summary>
    public Action<ConnectorStatus>? OnStatus { get; init; }

    /// <summary>Once: snapshot what is missing, apply the binlog up to the position current at start, then complete.</summary>
    public bool Once { get; init; }

    /// <summary>Where the connector reads its source's catalog (tables, definitions, positions).</summary>
    public ISourceCatalog Sources { get; init; } = MySqlSourceCatalog.Instance;

    /// <summary>How the connector opens its destination.</summary>
    public IDestinationFactory Destinations { get; init; } = DuckDbDestinationFactory.Instance;

    /// <summary>How often the status is published.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Completed when the connector stops, after its destination was closed.</summary>
    public TaskCompletionSource<ConnectorRunResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
