namespace Sluice.Actors.Connector;

/// <summary>What a connector run is doing; rendered lower-case in <see cref="ConnectorStatus.Phase"/>.</summary>
public enum ConnectorPhase
{
    Starting,
    Snapshotting,
    Streaming,
    Restarting,
    Stopping,
    Completed,
    Failed,
    Stopped,
}

/// <summary>How a run ended (<see cref="ConnectorRunResult.Outcome"/>).</summary>
public enum ConnectorOutcome
{
    /// <summary>A once run copied every table and applied the binlog up to its target.</summary>
    Completed,

    /// <summary>Asked to stop.</summary>
    Stopped,

    /// <summary>A failure that needs the user (or any start failure of a once run).</summary>
    Failed,
}

public static class ConnectorPhaseNames
{
    /// <summary>The name the CLI and the admin API show: starting, snapshotting, streaming, ...</summary>
    public static string Render(this ConnectorPhase phase) => phase switch
    {
        ConnectorPhase.Starting => "starting",
        ConnectorPhase.Snapshotting => "snapshotting",
        ConnectorPhase.Streaming => "streaming",
        ConnectorPhase.Restarting => "restarting",
        ConnectorPhase.Stopping => "stopping",
        ConnectorPhase.Completed => "completed",
        ConnectorPhase.Failed => "failed",
        ConnectorPhase.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>The name of an outcome: completed, stopped, failed.</summary>
    public static string Render(this ConnectorOutcome outcome) => outcome switch
    {
        ConnectorOutcome.Completed => "completed",
        ConnectorOutcome.Stopped => "stopped",
        ConnectorOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>The phase a run ends in.</summary>
    public static ConnectorPhase Phase(this ConnectorOutcome outcome) => outcome switch
    {
        ConnectorOutcome.Completed => ConnectorPhase.Completed,
        ConnectorOutcome.Stopped => ConnectorPhase.Stopped,
        _ => ConnectorPhase.Failed,
    };
}
