using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Binlog.Events;
using Sluice.Binlog.Gtid;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Protocol.Payloads;

namespace Sluice.Binlog.Client;

/// <summary>
/// Streams a MySQL/MariaDB binlog as a replica would: connects, starts the dump, decodes every event with
/// <see cref="EventDecoder"/> and yields it with the position after it.
/// <para>
/// <b>Reconnection, exactly once.</b> When the connection drops (an <see cref="IOException"/>/socket error, an idle
/// connection past the heartbeat, or the server killing the dump thread) the client reconnects with exponential
/// backoff and restarts the dump from the last complete transaction boundary (by GTID when the stream started from a
/// GTID, else by file and position). The server then resends the start of the interrupted transaction; the client
/// suppresses every replayed event whose position (file, next-event offset) is not past the last event it yielded,
/// as well as the dump's artificial ROTATE/FORMAT_DESCRIPTION, so the consumer sees each event once, in order, with
/// nothing buffered. Server errors (purged binlog, access denied...) are not retried: they are thrown typed.
/// </para>
/// <para>Heartbeat events are consumed (they only prove the connection alive) and not yielded.</para>
/// <para>
/// The dump is read ahead on a task of its own (<see cref="BinlogPacketPump"/>: at most 512 KiB, framed and
/// CRC-checked there) while the consumer decodes, so network, checksums and decoding overlap.
/// </para>
/// </summary>
public sealed class BinlogClient
{
    private readonly BinlogClientOptions _options;
    private readonly ILogger _logger;

    public BinlogClient(BinlogClientOptions options, ILogger<BinlogClient>? logger = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ServerId = options.ServerId ?? (uint)Random.Shared.Next(1 << 30, int.MaxValue);
    }

    /// <summary>The replica server id this client announces.</summary>
    public uint ServerId { get; }

    /// <summary>
    /// The server's current binlog position, read by <see cref="CurrentPosition"/> (the binlog status plus the GTID
    /// state: MariaDB @@gtid_binlog_pos, MySQL Executed_Gtid_Set when gtid_mode is ON) — what <see cref="BinlogStartPosition.Current"/> would start from.
    /// </summary>
    public async Task<BinlogPosition> GetCurrentPositionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await BinlogConnection.OpenAsync(_options.Connection, _logger, cancellationToken).ConfigureAwait(false);
        return await ReadMasterStatusAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams events from <paramref name="start"/> until cancelled, until the end of the binlog with
    /// <see cref="BinlogClientOptions.StopAtEnd"/>, or until a non-transient error.
    /// </summary>
    /// <exception cref="BinlogServerException">A server error (typed: purged position, access denied, binlog off...).</exception>
    /// <exception cref="BinlogConnectionException">The first connection failed, or reconnecting failed too often.</exception>
    public async IAsyncEnumerable<BinlogStreamItem> StreamAsync(BinlogStartPosition start,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ClientLog.Starting(_logger, $"{_options.Connection.Host}:{_options.Connection.Port}", start.ToString(), ServerId);
        JitWarmup.Start();
        var session = new StreamSession(this, start);
        var attempt = 0;
        while (true)
        {
            BinlogConnection? connection = null;
            Exception? failure = null;
            try
            {
                connection = await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (session.HasConnected && IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                failure = ex;
            }

            if (connection is not null)
            {
                await using (connection.ConfigureAwait(false))
                {
                    var pump = session.StartPump(connection, cancellationToken);
                    await using var pumpScope = pump.ConfigureAwait(false);
                    while (true)
                    {
                        var next = await session.ReadNextAsync(pump, connection, cancellationToken).ConfigureAwait(false);
                        if (next.Failure is not null)
                        {
                            failure = next.Failure;
                            break;
                        }
                        if (next.Item is null)
                        {
                            ClientLog.ReachedEnd(_logger, session.Tracker.Current.ToString());
                            yield break;
                        }
                        attempt = 0;
                        yield return next.Item;
                        session.Delivered(next.Item);
                        if (session.ReachedEnd)
                        {
                            ClientLog.ReachedEnd(_logger, next.Item.Position.ToString());
                            yield break;
                        }
                    }
                }
            }

            // Lost the connection: back off and resume from the last boundary.
            attempt++;
            if (attempt > _options.MaxReconnectAttempts)
            {
                ClientLog.GivingUp(_logger, attempt - 1, failure!);
                throw failure is BinlogConnectionException bce
                    ? bce
                    : new BinlogConnectionException($"the binlog connection was lost and {attempt - 1} reconnect attempt(s) failed: {failure!.Message}",
                        "check the server and the network; raise MaxReconnectAttempts to keep trying longer", failure);
            }
            var delay = BackoffDelay(attempt);
            ClientLog.Reconnecting(_logger, failure!.Message, attempt, _options.MaxReconnectAttempts, (long)delay.TotalMilliseconds,
                session.Tracker.LastBoundary.ToString());
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan BackoffDelay(int attempt) =>
        new Retry.RetryPolicy(_options.InitialReconnectDelay, _options.MaxReconnectDelay).Delay(attempt);

    /// <summary>Dropped connections and the server's "killed"/"shutting down" errors are retried; other errors are not.</summary>
    internal static bool IsTransient(Exception ex) => ex switch
    {
        BinlogServerException server => server.ErrorCode is 1053 /* shutdown in progress */ or 1152 /* aborted connection */
            or 1317 /* query interrupted */ or 1927 /* connection killed */ or 1040 /* too many connections */,
        IOException or SocketException => true,
        _ => false,
    };

    private static Task<BinlogPosition> ReadMasterStatusAsync(BinlogConnection connection, CancellationToken ct) =>
        CurrentPosition.ReadAsync(connection.ServerVersion, async (sql, token) =>
        {
            try
            {
                return await connection.QueryAsync(sql, token).ConfigureAwait(false);
            }
            catch (BinlogServerException ex) when (ex.ErrorCode == CurrentPosition.SyntaxErrorCode)
            {
                return null;
            }
        }, ct);

    private readonly record struct NextResult(BinlogStreamItem? Item, Exception? Failure);

    /// <summary>The state of one StreamAsync call across its connections.</summary>
    private sealed class StreamSession(BinlogClient client, BinlogStartPosition start)
    {
        private BinlogPosition? _end;
        private BinlogPosition? _lastDelivered;
        private bool _suppressing;
        private int _suppressed;
        private EventDecoder _decoder = new();
        private TimeSpan _idleTimeout = Timeout.InfiniteTimeSpan;

        public PositionTracker Tracker { get; private set; } = null!;
        public bool HasConnected { get; private set; }
        public bool ReachedEnd { get; private set; }

        private BinlogClientOptions Options => client._options;
        private ILogger Logger => client._logger;

        public async Task<BinlogConnection> ConnectAsync(CancellationToken ct)
        {
            var connection = await BinlogConnection.OpenAsync(Options.Connection, Logger, ct).ConfigureAwait(false);
            try
            {
                await StartDumpAsync(connection, ct).ConfigureAwait(false);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        private async Task StartDumpAsync(BinlogConnection connection, CancellationToken ct)
        {
            var resuming = HasConnected;
            var from = start;
            if (!resuming)
            {
                var logBin = (await connection.QueryAsync("SELECT @@GLOBAL.log_bin", ct).ConfigureAwait(false)).Scalar;
                if (logBin is "0" or "OFF")
                {
                    throw new BinlogDisabledException(BinlogServerException.ErNoBinaryLogging, "HY000",
                        "@@GLOBAL.log_bin is OFF: the server writes no binary log", "starting the binlog stream");
                }
                if (Options.StopAtEnd) _end = (await ReadMasterStatusAsync(connection, ct).ConfigureAwait(false)) with { MySqlGtids = null, MariaDbGtids = null };
                BinlogPosition initial;
                switch (start.Kind)
                {
                    case BinlogStartKind.Current:
                        var current = await ReadMasterStatusAsync(connection, ct).ConfigureAwait(false);
                        from = BinlogStartPosition.FromFile(current.FileName, current.Position);
                        initial = current;
                        break;
                    case BinlogStartKind.Earliest:
                        var logs = await connection.QueryAsync("SHOW BINARY LOGS", ct).ConfigureAwait(false);
                        if (logs.Rows.Count == 0 || logs.Rows[0][0] is not { } first)
                            throw new BinlogDisabledException(BinlogServerException.ErNoBinaryLogging, "HY000", "SHOW BINARY LOGS returned no file", "starting the binlog stream");
                        from = BinlogStartPosition.FromFile(first);
                        initial = new BinlogPosition(first, 4);
                        break;
                    case BinlogStartKind.FilePosition:
                        MariaDbGtidList? gtids = null;
                        if (connection.IsMariaDb)
                        {
                            // The GTID state at that position, so positions can carry it (NULL when unknown).
                            var text = (await connection.QueryAsync(string.Create(CultureInfo.InvariantCulture,
                                $"SELECT BINLOG_GTID_POS('{Escape(start.FileName)}', {start.Position})"), ct).ConfigureAwait(false)).Scalar;
                            if (text is not null) gtids = MariaDbGtidList.Parse(text);
                        }
                        initial = new BinlogPosition(start.FileName, start.Position, MariaDbGtids: gtids);
                        break;
                    case BinlogStartKind.MySqlGtidSet:
                        initial = new BinlogPosition("", 4, MySqlGtids: start.MySqlGtids!.Clone());
                        break;
                    default:
                        initial = new BinlogPosition("", 4, MariaDbGtids: start.MariaDbGtids!.Clone());
                        break;
                }
                Tracker = new PositionTracker(initial);
            }
            else
            {
                // Resume from the last complete transaction, by GTID when the stream is GTID-based.
                Tracker.ResetToBoundary();
                var boundary = Tracker.LastBoundary;
                from = start.Kind switch
                {
                    BinlogStartKind.MySqlGtidSet => BinlogStartPosition.FromMySqlGtidSet(boundary.MySqlGtids!),
                    BinlogStartKind.MariaDbGtid => BinlogStartPosition.FromMariaDbGtid(boundary.MariaDbGtids!),
                    _ => BinlogStartPosition.FromFile(boundary.FileName, boundary.Position),
                };
                _suppressing = _lastDelivered is not null;
                _suppressed = 0;
                if (_lastDelivered is not null) ClientLog.Reconnected(Logger, _lastDelivered.ToString());
            }

            // Announce that we handle the server's checksum; the decoder needs it for the artificial ROTATE before the FDE.
            var checksum = (await connection.QueryAsync("SELECT @@GLOBAL.binlog_checksum", ct).ConfigureAwait(false)).Scalar;
            await connection.ExecuteAsync("SET @master_binlog_checksum = @@global.binlog_checksum", ct).ConfigureAwait(false);
            if (connection.IsMariaDb) await connection.ExecuteAsync("SET @mariadb_slave_capability = 4", ct).ConfigureAwait(false);
            if (Options.HeartbeatInterval > TimeSpan.Zero)
            {
                var ns = (long)(Options.HeartbeatInterval.TotalMilliseconds * 1_000_000);
                await connection.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"SET @master_heartbeat_period = {ns}"), ct).ConfigureAwait(false);
                _idleTimeout = TimeSpan.FromTicks(Math.Max(3 * Options.HeartbeatInterval.Ticks, TimeSpan.FromSeconds(10).Ticks));
            }
            if (Options.RegisterReplica) await connection.RegisterReplicaAsync(client.ServerId, ct).ConfigureAwait(false);

            var flags = Options.StopAtEnd ? BinlogDumpFlags.NonBlock : BinlogDumpFlags.None;
            switch (from.Kind)
            {
                case BinlogStartKind.MariaDbGtid:
                    if (!connection.IsMariaDb)
                        throw new ArgumentException("a MariaDB GTID start position needs a MariaDB server", nameof(start));
                    await connection.ExecuteAsync($"SET @slave_connect_state = '{Escape(from.MariaDbGtids!.ToString())}'", ct).ConfigureAwait(false);
                    await connection.ExecuteAsync("SET @slave_gtid_strict_mode = 1", ct).ConfigureAwait(false);
                    await connection.ExecuteAsync("SET @slave_gtid_ignore_duplicates = 0", ct).ConfigureAwait(false);
                    await connection.StartBinlogDumpAsync(new ComBinlogDump("", 4, client.ServerId, flags), ct).ConfigureAwait(false);
                    break;
                case BinlogStartKind.MySqlGtidSet:
                    if (connection.IsMariaDb)
                        throw new ArgumentException("a MySQL GTID set start position needs a MySQL server (MariaDB GTIDs differ)", nameof(start));
                    var mode = (await connection.QueryAsync("SELECT @@GLOBAL.gtid_mode", ct).ConfigureAwait(false)).Scalar;
                    if (!string.Equals(mode, "ON", StringComparison.OrdinalIgnoreCase))
                        throw new GtidModeOffException(0, "HY000", $"@@GLOBAL.gtid_mode is {mode ?? "unknown"}", "starting from a GTID set");
                    await connection.StartBinlogDumpAsync(
                        new ComBinlogDumpGtid(client.ServerId, flags, "", 4, EncodeGtidSet(from.MySqlGtids!)), ct).ConfigureAwait(false);
                    break;
                default:
                    await connection.StartBinlogDumpAsync(new ComBinlogDump(from.FileName, (uint)from.Position, client.ServerId, flags), ct).ConfigureAwait(false);
                    break;
            }
            _decoder = new EventDecoder(
                string.Equals(checksum, "CRC32", StringComparison.OrdinalIgnoreCase) ? BinlogChecksumAlgorithm.Crc32 : BinlogChecksumAlgorithm.None,
                connection.IsMariaDb ? BinlogFlavor.MariaDb : BinlogFlavor.MySql);
            HasConnected = true;
            ClientLog.DumpStarted(Logger, from.ToString(), _end?.ToString() ?? "never");
        }

        private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal);

        private static byte[] EncodeGtidSet(MySqlGtidSet set)
        {
            var sids = new List<GtidSidIntervals>();
            foreach (var (sourceId, tag, intervals) in set.Groups)
            {
                if (tag is not null)
                    throw new NotSupportedException($"tagged GTIDs (MySQL 8.4+) are not supported in COM_BINLOG_DUMP_GTID yet: {set}");
                sids.Add(new GtidSidIntervals(sourceId.ToByteArray(bigEndian: true),
                    intervals.Select(i => (i.Start, i.End + 1)).ToList()));
            }
            return ComBinlogDumpGtid.EncodeGtidSet(sids);
        }

        /// <summary>Starts reading <paramref name="connection"/>'s dump ahead (see <see cref="BinlogPacketPump"/>).</summary>
        public BinlogPacketPump StartPump(BinlogConnection connection, CancellationToken ct) =>
            new(connection, _idleTimeout, () => new BinlogConnectionException(
                $"no data from the server for {_idleTimeout.TotalSeconds:0} s (heartbeats expected every {Options.HeartbeatInterval.TotalSeconds:0} s)",
                "the connection is probably dead; reconnecting"), ct);

        /// <summary>The next item to yield; Item null = end of stream; Failure = the connection is lost (reconnect).</summary>
        public ValueTask<NextResult> ReadNextAsync(BinlogPacketPump pump, BinlogConnection connection, CancellationToken ct)
        {
            // Synchronously while the pump has packets ready; asynchronously only to wait for the network.
            while (true)
            {
                bool got;
                PumpedPacket packet;
                try
                {
                    got = pump.TryRead(out packet);
                }
                catch (Exception ex) when (IsTransient(ex))
                {
                    return new ValueTask<NextResult>(new NextResult(null, ex));
                }
                if (!got) return ReadNextSlowAsync(pump, connection, ct);
                if (Process(pump, packet, connection) is { } result) return new ValueTask<NextResult>(result);
            }
        }

        private async ValueTask<NextResult> ReadNextSlowAsync(BinlogPacketPump pump, BinlogConnection connection, CancellationToken ct)
        {
            while (true)
            {
                PumpedPacket packet;
                try
                {
                    packet = await pump.ReadAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransient(ex))
                {
                    return new NextResult(null, ex);
                }
                if (Process(pump, packet, connection) is { } result) return result;
            }
        }

        /// <summary>Decodes one packet and releases it: the item to return, or null when the event is not yielded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private NextResult? Process(BinlogPacketPump pump, in PumpedPacket packet, BinlogConnection connection)
        {
            try
            {
                var span = packet.Span;
                switch (BinlogStreamPacket.Classify(span))
                {
                    case BinlogStreamPacketKind.EndOfStream:
                        // Only a non-blocking dump (StopAtEnd) ends by design; in a blocking dump an EOF packet means
                        // the server is going away (shutdown, restart): reconnect and resume.
                        if (Options.StopAtEnd) return new NextResult(null, null);
                        return new NextResult(null, new BinlogConnectionException(
                            "the server ended the binlog dump (it is shutting down or restarting)", "reconnecting with backoff"));
                    case BinlogStreamPacketKind.Error:
                        var error = BinlogServerException.Create(ErrPayload.Parse(span, connection.Capabilities), "binlog dump");
                        if (IsTransient(error)) return new NextResult(null, error);
                        throw error;
                }

                var e = _decoder.Decode(span[1..], null, packet.HasCrc ? packet.Crc : null);
                var boundary = Tracker.Apply(e);
                if (e is HeartbeatEvent) return null;
                if (_suppressing)
                {
                    // Replayed: the dump's artificial ROTATE/FORMAT_DESCRIPTION and every event not past the last one delivered.
                    var at = Tracker.Current;
                    var cmp = CompareFiles(at.FileName, _lastDelivered!.FileName);
                    if (e.Header.IsArtificial || e.Header.NextPosition == 0 || cmp < 0 || (cmp == 0 && at.Position <= _lastDelivered.Position))
                    {
                        _suppressed++;
                        return null;
                    }
                    _suppressing = false;
                    ClientLog.ReplaySkipped(Logger, _suppressed, _lastDelivered.ToString());
                }
                return new NextResult(new BinlogStreamItem(e, Tracker.Current, boundary), null);
            }
            finally
            {
                pump.Release(packet);
            }
        }

        public void Delivered(BinlogStreamItem item)
        {
            _lastDelivered = item.Position;
            if (_end is not null && item.Event.Header.NextPosition != 0 && !item.Event.Header.IsArtificial)
            {
                var cmp = CompareFiles(item.Position.FileName, _end.FileName);
                ReachedEnd = cmp > 0 || (cmp == 0 && item.Position.Position >= _end.Position);
            }
        }

        /// <summary>Binlog files share a base name and a zero-padded number: ordinal order is their order.</summary>
        private static int CompareFiles(string a, string b) =>
            a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }
}
