using Microsoft.Extensions.Logging;

namespace Sluice.Actors.Connector;

/// <summary>Source-generated log messages of the connector actor (event ids 4001-4099; never with secrets).</summary>
internal static partial class ConnectorLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "connector {Connector}: streaming from {Position}; {Tables} tables, {Pending} to copy")]
    public static partial void Streaming(ILogger logger, string connector, string? position, int tables, int pending);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "table {Table}: preparing it failed: {Error}")]
    public static partial void PrepareFailed(ILogger logger, string table, string error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "connector {Connector}: the binlog position {Position} is no longer available: {Reason}")]
    public static partial void PositionUnavailable(ILogger logger, string connector, string? position, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "table {Table}: copied ({Rows} rows)")]
    public static partial void TableCopied(ILogger logger, string table, long rows);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "table {Table}: the snapshot failed ({Failures} in a row), retrying in {Delay}: {Error}")]
    public static partial void SnapshotFailed(ILogger logger, string table, int failures, TimeSpan delay, string error);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "connector {Connector}: the {Source} failed; the stream restarts from the checkpoint")]
    public static partial void PipelineFailed(ILogger logger, Exception error, string connector, string source);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "connector {Connector} failed: {Error}")]
    public static partial void Failed(ILogger logger, string connector, string error);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "connector {Connector}: saving the state snapshot failed")]
    public static partial void SnapshotSaveFailed(ILogger logger, Exception error, string connector);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "connector {Connector}: {Error}")]
    public static partial void StateStoreFailed(ILogger logger, string connector, string error);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "{Event} {Table}: {Detail}")]
    public static partial void NotableInformation(ILogger logger, string @event, string table, string detail);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "{Event} {Table}: {Detail}")]
    public static partial void NotableWarning(ILogger logger, string @event, string table, string detail);

    /// <summary>Benign notable events (a table created or removed, a table skipped by the filter) are Information.</summary>
    public static void Notable(ILogger logger, string kind, string? table, string detail)
    {
        if (IsBenign(kind)) NotableInformation(logger, kind, table ?? "-", detail);
        else NotableWarning(logger, kind, table ?? "-", detail);
    }

    /// <summary>Whether a notable event kind is part of normal operation (logged as Information, not Warning).</summary>
    public static bool IsBenign(string kind) => kind is "table_created" or "table_removed" or "table_skipped" or "destination_missing";
}
