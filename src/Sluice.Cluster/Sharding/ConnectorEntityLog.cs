using Microsoft.Extensions.Logging;

namespace Sluice.Cluster.Sharding;

/// <summary>The connector entity's log lines (source-generated, with stable event ids 3100-3199).</summary>
internal static partial class ConnectorEntityLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "connector {Connector}: the source is reachable again")]
    public static partial void SourceReachable(this ILogger logger, string connector);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "connector {Connector}: the source is unreachable: {Error}")]
    public static partial void SourceUnreachable(this ILogger logger, string connector, string error);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "connector {Connector}: saving the entity snapshot failed")]
    public static partial void SnapshotSaveFailed(this ILogger logger, Exception cause, string connector);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "connector {Connector}: {What} ({Definition})")]
    public static partial void Defined(this ILogger logger, string connector, string what, string definition);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "connector {Connector}: paused")]
    public static partial void Paused(this ILogger logger, string connector);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "connector {Connector}: resumed")]
    public static partial void Resumed(this ILogger logger, string connector);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "connector {Connector}: deleted")]
    public static partial void Deleted(this ILogger logger, string connector);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "connector {Connector}: running on {Node}")]
    public static partial void Running(this ILogger logger, string connector, string node);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "connector {Connector}: the run ended ({Error}); retrying in {Delay}")]
    public static partial void RetryingRun(this ILogger logger, string connector, string error, TimeSpan delay);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Warning, Message = "connector {Connector}: {Warning}")]
    public static partial void NameWarning(this ILogger logger, string connector, string warning);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Error, Message = "connector {Connector}: not started: {Error}")]
    public static partial void NotStarted(this ILogger logger, string connector, string error);
}
