using Sluice.Binlog.Protocol.Payloads;

namespace Sluice.Binlog.Protocol;

/// <summary>
/// The server answered with an error. <see cref="ErrorCode"/>/<see cref="SqlState"/>/<see cref="ServerMessage"/> are the
/// server's; <see cref="Hint"/> says in one line what to do. Server errors are never retried by the client.
/// Subclasses name the cases a caller may handle: <see cref="BinlogPositionUnavailableException"/>,
/// <see cref="BinlogAccessDeniedException"/>, <see cref="BinlogDisabledException"/>, <see cref="GtidModeOffException"/>.
/// </summary>
public class BinlogServerException(int errorCode, string sqlState, string serverMessage, string hint, string? context = null)
    : Exception(Format(errorCode, sqlState, serverMessage, hint, context))
{
    public int ErrorCode { get; } = errorCode;
    public string SqlState { get; } = sqlState;
    public string ServerMessage { get; } = serverMessage;
    public string Hint { get; } = hint;

    // MySQL/MariaDB error codes the client classifies.
    public const int ErDbAccessDenied = 1044;
    public const int ErAccessDenied = 1045;
    public const int ErTableAccessDenied = 1142;
    public const int ErSpecificAccessDenied = 1227;
    public const int ErMasterFatalErrorReadingBinlog = 1236;
    public const int ErNoBinaryLogging = 1381;
    public const int ErAccessDeniedNoPassword = 1698;

    private static string Format(int code, string state, string message, string hint, string? context) =>
        $"{(context is null ? "" : context + ": ")}{message} (server error {code}, SQLSTATE {state}). Hint: {hint}";

    /// <summary>The typed exception for a server ERR payload.</summary>
    public static BinlogServerException Create(ErrPayload err, string? context = null)
    {
        var (code, state, msg) = (err.ErrorCode, err.SqlState, err.Message);
        switch (code)
        {
            case ErAccessDenied or ErAccessDeniedNoPassword:
                return new BinlogAccessDeniedException(code, state, msg,
                    "check the user name and password (and that the account may connect from this host)", context);
            case ErDbAccessDenied or ErTableAccessDenied or ErSpecificAccessDenied:
                return new BinlogAccessDeniedException(code, state, msg,
                    "grant the replication user REPLICATION SLAVE and REPLICATION CLIENT (MariaDB: also BINLOG MONITOR)", context);
            case ErNoBinaryLogging:
                return new BinlogDisabledException(code, state, msg, context);
            case ErMasterFatalErrorReadingBinlog:
                if (msg.Contains("GTID_MODE", StringComparison.OrdinalIgnoreCase))
                    return new GtidModeOffException(code, state, msg, context);
                if (msg.Contains("not open", StringComparison.OrdinalIgnoreCase) || msg.Contains("not using binary log", StringComparison.OrdinalIgnoreCase))
                    return new BinlogDisabledException(code, state, msg, context);
                if (IsPositionProblem(msg))
                    return new BinlogPositionUnavailableException(code, state, msg, context);
                return new BinlogServerException(code, state, msg,
                    "the server could not send the binlog; see its message and error log (max_allowed_packet too small?)", context);
            default:
                return new BinlogServerException(code, state, msg, "see the server's message", context);
        }
    }

    private static bool IsPositionProblem(string msg)
    {
        string[] markers =
        [
            "could not find", "purged", "not in the master's binlog", "position", "log file", "first log",
            "bogus data", "truncated", "could not open", "not found", "does not exist", "binlog file",
        ];
        return markers.Any(m => msg.Contains(m, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The requested binlog file/position or GTID position is gone (purged) or does not exist (error 1236).</summary>
public sealed class BinlogPositionUnavailableException(int errorCode, string sqlState, string serverMessage, string? context = null)
    : BinlogServerException(errorCode, sqlState, serverMessage,
        "the binlog at that position was purged or never existed: take a new snapshot and restart from the current position (SHOW MASTER STATUS), or keep binlogs longer (expire_logs_days / binlog_expire_logs_seconds)",
        context);

/// <summary>Wrong credentials or a missing privilege (1045, 1698, 1044, 1142, 1227).</summary>
public sealed class BinlogAccessDeniedException(int errorCode, string sqlState, string serverMessage, string hint, string? context = null)
    : BinlogServerException(errorCode, sqlState, serverMessage, hint, context);

/// <summary>Binary logging is off on the server.</summary>
public sealed class BinlogDisabledException(int errorCode, string sqlState, string serverMessage, string? context = null)
    : BinlogServerException(errorCode, sqlState, serverMessage,
        "enable the binary log on the server (log_bin / --log-bin, with binlog_format=ROW) and restart it", context);

/// <summary>A MySQL GTID start was asked of a server with gtid_mode OFF.</summary>
public sealed class GtidModeOffException(int errorCode, string sqlState, string serverMessage, string? context = null)
    : BinlogServerException(errorCode, sqlState, serverMessage,
        "set gtid_mode=ON and enforce_gtid_consistency=ON on the server, or start from a binlog file and position", context);

/// <summary>
/// The connection could not be made or was lost: refused, timed out, reset, idle past the heartbeat. Transient: the
/// streaming client reconnects on it. An <see cref="IOException"/>, like the socket errors it wraps.
/// </summary>
public sealed class BinlogConnectionException(string message, string hint, Exception? inner = null)
    : IOException($"{message}. Hint: {hint}", inner)
{
    public string Hint { get; } = hint;
}

/// <summary>TLS or authentication could not be set up as configured (not retried): e.g. TLS required but not offered,
/// an untrusted server certificate, an unsupported auth plugin, public key retrieval not allowed.</summary>
public sealed class BinlogSecurityException(string message, string hint, Exception? inner = null)
    : Exception($"{message}. Hint: {hint}", inner)
{
    public string Hint { get; } = hint;
}
