using Microsoft.Extensions.Logging;

namespace Sluice.Binlog.Protocol;

/// <summary>Source-generated log messages of the protocol layer (never with secrets).</summary>
internal static partial class ProtocolLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Connecting to {Host}:{Port} ({Options})")]
    public static partial void Connecting(ILogger logger, string host, int port, string options);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Connected to {ServerVersion} at {Host}:{Port} as {User}: connection id {ConnectionId}, TLS {Tls}, auth {AuthPlugin}")]
    public static partial void Connected(ILogger logger, string serverVersion, string host, int port, string user, uint connectionId, string tls, string authPlugin);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Auth switch to {Plugin}")]
    public static partial void AuthSwitch(ILogger logger, string plugin);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "caching_sha2_password full authentication ({How})")]
    public static partial void FullAuthentication(ILogger logger, string how);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Query: {Sql}")]
    public static partial void Query(ILogger logger, string sql);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "The server does not offer TLS; continuing without it (SslMode=Preferred)")]
    public static partial void NoTls(ILogger logger);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "TLS certificate check failed: {Reason}")]
    public static partial void CertificateRejected(ILogger logger, string reason);
}
