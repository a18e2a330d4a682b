using Sluice.Binlog.Protocol;

namespace Sluice.Binlog.Client;

/// <summary>Settings of a <see cref="BinlogClient"/>.</summary>
public sealed record BinlogClientOptions
{
    public required BinlogConnectionOptions Connection { get; init; }

    /// <summary>The replica server id; null picks a random one in [2^30, 2^31) (must differ from every real server and replica).</summary>
    public uint? ServerId { get; init; }

    /// <summary>Stop after reaching the end of the binlog as it was at connect (SHOW MASTER STATUS), instead of waiting for more.</summary>
    public bool StopAtEnd { get; init; }

    /// <summary>How often the server sends a heartbeat when idle (zero: none). No data for 3× this (at least 10 s) counts as a lost connection.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Reconnect attempts in a row after a dropped connection before giving up (0: never reconnect).</summary>
    public int MaxReconnectAttempts { get; init; } = 10;

    /// <summary>Delay before the first reconnect attempt; it doubles on each failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Send COM_REGISTER_SLAVE so the client shows in SHOW SLAVE HOSTS.</summary>
    public bool RegisterReplica { get; init; } = true;

    /// <summary>Parses a connection string into options with the defaults above.</summary>
    public static BinlogClientOptions FromConnectionString(string connectionString) =>
        new() { Connection = BinlogConnectionOptions.Parse(connectionString) };

    public override string ToString() =>
        $"BinlogClientOptions {{ Connection = {Connection.Redacted()}, ServerId = {ServerId}, StopAtEnd = {StopAtEnd}, Heartbeat = {HeartbeatInterval} }}";
}
