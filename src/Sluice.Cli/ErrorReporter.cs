using System.Net.Sockets;
using Sluice.Binlog;
using Sluice.Binlog.Protocol;

namespace Sluice.Cli;

/// <summary>Turns a failure into the one line the user sees (never a stack trace) and an exit code.</summary>
public static class ErrorReporter
{
    /// <returns>The message (null for a quiet exit) and the exit code: 1 failure, 2 bad input, 130 cancelled.</returns>
    public static (string? Message, int ExitCode) Describe(Exception ex) => ex switch
    {
        OperationCanceledException => (null, 130),
        CliError cli => (cli.Message, cli.ExitCode),
        BinlogServerException server => ($"the server refused: {server.ServerMessage} (error {server.ErrorCode}). Fix: {server.Hint}", 1),
        // These messages already end with ". Hint: <the fix>".
        BinlogConnectionException conn => (conn.Message, 1),
        BinlogSecurityException sec => (sec.Message, 1),
        BinlogChecksumException crc => ($"corrupt binlog: {crc.Message}", 1),
        BinlogFormatException format => ($"undecodable binlog data: {format.Message}", 1),
        MySqlConnector.MySqlException my => ($"the server refused: {my.Message} (error {my.Number})", 1),
        SocketException socket => ($"network error: {socket.Message}", 1),
        // The reader of our output went away (e.g. '| head'): stop quietly, as SIGPIPE would.
        IOException io when io.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase) => (null, 141),
        IOException io => ($"I/O error: {io.Message}", 1),
        UnauthorizedAccessException denied => ($"access denied: {denied.Message}", 1),
        _ => ($"unexpected {ex.GetType().Name}: {ex.Message}", 1),
    };
}
