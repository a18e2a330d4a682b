using Microsoft.Extensions.Logging;

namespace Sluice.Binlog.Client;

/// <summary>Source-generated log messages of the streaming client.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Streaming the binlog of {Server} from {Start} as replica server id {ServerId}")]
    public static partial void Starting(ILogger logger, string server, string start, uint serverId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Binlog dump started at {Start} (stop at {End})")]
    public static partial void DumpStarted(ILogger logger, string start, string end);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Binlog connection lost ({Reason}); reconnect attempt {Attempt} of {Max} in {DelayMs} ms, resuming from {Resume}")]
    public static partial void Reconnecting(ILogger logger, string reason, int attempt, int max, long delayMs, string resume);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Reconnected; events up to {LastDelivered} are skipped as already delivered")]
    public static partial void Reconnected(ILogger logger, string lastDelivered);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Reached the end of the binlog at {Position}; stopping")]
    public static partial void ReachedEnd(ILogger logger, string position);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information,
        Message = "Skipped {Count} replayed event(s) (the dump's own ROTATE/FORMAT_DESCRIPTION and those already delivered up to {LastDelivered})")]
    public static partial void ReplaySkipped(ILogger logger, int count, string lastDelivered);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Giving up after {Attempts} reconnect attempts")]
    public static partial void GivingUp(ILogger logger, int attempts, Exception exception);
}
