using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Binlog.Protocol.Auth;
using Sluice.Binlog.Protocol.Payloads;

namespace Sluice.Binlog.Protocol;

/// <summary>
/// One authenticated client/server protocol connection: TCP, optional TLS, authentication, then text queries or the
/// binlog dump commands. Not thread-safe: one command at a time.
/// </summary>
public sealed class BinlogConnection : IAsyncDisposable
{
    /// <summary>utf8mb4_general_ci: understood by every MySQL and MariaDB version.</summary>
    private const byte Utf8Mb4GeneralCi = 45;

    private const uint ClientMaxPacketSize = 1 << 30;

    private const CapabilityFlags WantedCapabilities =
        CapabilityFlags.LongPassword | CapabilityFlags.LongFlag | CapabilityFlags.Protocol41 |
        CapabilityFlags.Transactions | CapabilityFlags.SecureConnection | CapabilityFlags.MultiResults |
        CapabilityFlags.PluginAuth | CapabilityFlags.PluginAuthLenencClientData | CapabilityFlags.ConnectAttrs;

    private readonly PacketTransport _transport;
    private readonly ILogger _logger;
    private bool _dumping;
    private int _disposed;

    private BinlogConnection(BinlogConnectionOptions options, PacketTransport transport, HandshakeV10 greeting,
        CapabilityFlags capabilities, bool tls, string authPlugin, ILogger logger)
    {
        Options = options;
        _transport = transport;
        Greeting = greeting;
        Capabilities = capabilities;
        IsTls = tls;
        AuthPlugin = authPlugin;
        _logger = logger;
    }

    public BinlogConnectionOptions Options { get; }
    public HandshakeV10 Greeting { get; }

    /// <summary>The capabilities both sides agreed on.</summary>
    public CapabilityFlags Capabilities { get; }

    public bool IsTls { get; }

    /// <summary>The auth plugin that authenticated the session (after any switch).</summary>
    public string AuthPlugin { get; }

    public uint ConnectionId => Greeting.ConnectionId;
    public bool IsMariaDb => Greeting.IsMariaDb;
    public string ServerVersion => Greeting.DisplayVersion;

    /// <summary>Connects, negotiates TLS as <see cref="BinlogConnectionOptions.SslMode"/> says and authenticates.</summary>
    /// <exception cref="BinlogConnectionException">Refused, unreachable, reset or timed out.</exception>
    /// <exception cref="BinlogAccessDeniedException">Wrong credentials.</exception>
    /// <exception cref="BinlogSecurityException">TLS or the auth method could not be set up as configured.</exception>
    public static async Task<BinlogConnection> OpenAsync(BinlogConnectionOptions options, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        ProtocolLog.Connecting(logger, options.Host, options.Port, options.Redacted());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.ConnectionTimeout != Timeout.InfiniteTimeSpan) timeout.CancelAfter(options.ConnectionTimeout);

        Socket? socket = null;
        PacketTransport? transport = null;
        try
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            transport = new PacketTransport(new NetworkStream(socket, ownsSocket: true));
            socket = null; // the stream owns it now
            var connection = await HandshakeAsync(options, transport, logger, timeout.Token).ConfigureAwait(false);
            transport = null;
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BinlogConnectionException(
                $"timed out after {options.ConnectionTimeout.TotalSeconds:0.#} s connecting to {options.Host}:{options.Port}",
                "check that the server is up and reachable, or raise Connection Timeout");
        }
        catch (SocketException ex)
        {
            throw new BinlogConnectionException($"could not connect to {options.Host}:{options.Port}: {ex.SocketErrorCode} ({ex.Message})",
                "check that the server is running and listens on that host and port (bind_address, firewall)", ex);
        }
        catch (IOException ex) when (ex is not BinlogConnectionException)
        {
            throw new BinlogConnectionException($"the connection to {options.Host}:{options.Port} failed during the handshake: {ex.Message}",
                "the server closed the connection: check its error log (max_connections, host blocked, TLS settings)", ex);
        }
        finally
        {
            socket?.Dispose();
            if (transport is not null) await transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<BinlogConnection> HandshakeAsync(BinlogConnectionOptions options, PacketTransport transport,
        ILogger logger, CancellationToken ct)
    {
        HandshakeV10 greeting;
        using (var payload = await transport.ReadPayloadAsync(ct).ConfigureAwait(false))
        {
            greeting = HandshakeV10.Parse(payload.Span);
        }
        var server = greeting.Capabilities;
        if ((server & CapabilityFlags.Protocol41) == 0)
            throw new BinlogSecurityException($"server {greeting.ServerVersion} does not speak protocol 4.1", "use MySQL 5.5+ or MariaDB 10+");
        var client = WantedCapabilities & server;
        if (options.Database is not null && (server & CapabilityFlags.ConnectWithDb) != 0) client |= CapabilityFlags.ConnectWithDb;

        var tls = false;
        if (options.SslMode != BinlogSslMode.Disabled)
        {
            if ((server & CapabilityFlags.Ssl) != 0)
            {
                client |= CapabilityFlags.Ssl;
                await transport.WritePayloadAsync(new SslRequest(client, ClientMaxPacketSize, Utf8Mb4GeneralCi).ToPayload(), ct).ConfigureAwait(false);
                var ssl = await StartTlsAsync(options, transport.Stream, logger, ct).ConfigureAwait(false);
                transport.ReplaceStream(ssl);
                tls = true;
            }
            else if (options.SslMode >= BinlogSslMode.Required)
            {
                throw new BinlogSecurityException($"SslMode={options.SslMode} but the server {options.Host}:{options.Port} does not offer TLS",
                    "configure TLS on the server (ssl_cert, ssl_key) or use SslMode=Preferred or None");
            }
            else
            {
                ProtocolLog.NoTls(logger);
            }
        }

        var plugin = greeting.AuthPluginName ?? AuthPlugins.NativePassword;
        var nonce = greeting.Scramble;
        var authResponse = AuthPlugins.IsSupported(plugin)
            ? InitialAuthResponse(plugin, options.Password, nonce, tls)
            : []; // the server will switch us to a plugin we know, or fail
        var response = new HandshakeResponse41(client, ClientMaxPacketSize, Utf8Mb4GeneralCi, options.UserName, authResponse,
            options.Database, plugin, ConnectAttributes());
        await transport.WritePayloadAsync(response.ToPayload(), ct).ConfigureAwait(false);

        while (true)
        {
            using var payload = await transport.ReadPayloadAsync(ct).ConfigureAwait(false);
            var span = payload.Span;
            switch (payload.FirstByte)
            {
                case 0x00:
                    var connection = new BinlogConnection(options, transport, greeting, client, tls, plugin, logger);
                    ProtocolLog.Connected(logger, greeting.DisplayVersion, options.Host, options.Port, options.UserName,
                        greeting.ConnectionId, tls ? "on" : "off", plugin);
                    return connection;
                case 0xFF:
                    throw BinlogServerException.Create(ErrPayload.Parse(span, client), $"authentication of '{options.UserName}'");
                case 0xFE:
                    var change = AuthSwitchRequest.Parse(span);
                    ProtocolLog.AuthSwitch(logger, change.PluginName);
                    if (!AuthPlugins.IsSupported(change.PluginName))
                        throw new BinlogSecurityException($"the server asks for the auth plugin '{change.PluginName}', which this client does not support",
                            "use mysql_native_password or caching_sha2_password for the replication user");
                    if (change.PluginName == AuthPlugins.ClearPassword && !tls)
                        throw new BinlogSecurityException("the server asks for mysql_clear_password without TLS", "use SslMode=Required");
                    plugin = change.PluginName;
                    nonce = change.PluginData;
                    await transport.WritePayloadAsync(InitialAuthResponse(plugin, options.Password, nonce, tls), ct).ConfigureAwait(false);
                    break;
                case 0x01:
                    var more = AuthMoreData.Parse(span);
                    if (plugin != AuthPlugins.CachingSha2Password)
                        throw new BinlogFormatException($"unexpected AuthMoreData for auth plugin {plugin}");
                    if (more.IsFastAuthSuccess) break; // an OK follows
                    if (more.IsPerformFullAuthentication)
                    {
                        if (tls)
                        {
                            ProtocolLog.FullAuthentication(logger, "password over TLS");
                            await transport.WritePayloadAsync(AuthPlugins.ClearPasswordBytes(options.Password), ct).ConfigureAwait(false);
                        }
                        else if (options.ServerRsaPublicKeyFile is not null)
                        {
                            ProtocolLog.FullAuthentication(logger, "RSA key from ServerRSAPublicKeyFile");
                            var pem = await File.ReadAllTextAsync(options.ServerRsaPublicKeyFile, ct).ConfigureAwait(false);
                            await transport.WritePayloadAsync(AuthPlugins.RsaEncryptPassword(options.Password, nonce, pem), ct).ConfigureAwait(false);
                        }
                        else if (options.AllowPublicKeyRetrieval)
                        {
                            ProtocolLog.FullAuthentication(logger, "requesting the server's RSA key");
                            await transport.WritePayloadAsync(new byte[] { 0x02 }, ct).ConfigureAwait(false);
                        }
                        else
                        {
                            throw new BinlogSecurityException(
                                "caching_sha2_password needs full authentication, which without TLS needs the server's RSA public key",
                                "use TLS (SslMode=Required), or set AllowPublicKeyRetrieval=True or ServerRSAPublicKeyFile");
                        }
                        break;
                    }
                    // Otherwise: the PEM public key we asked for.
                    var key = System.Text.Encoding.ASCII.GetString(more.Data);
                    await transport.WritePayloadAsync(AuthPlugins.RsaEncryptPassword(options.Password, nonce, key), ct).ConfigureAwait(false);
                    break;
                default:
                    throw new BinlogFormatException($"unexpected packet during authentication: header byte 0x{payload.FirstByte:x2}, {payload.Length} byte(s)");
            }
        }
    }

    private static byte[] InitialAuthResponse(string plugin, string password, byte[] nonce, bool tls) => plugin switch
    {
        AuthPlugins.NativePassword => AuthPlugins.NativePasswordScramble(password, nonce),
        AuthPlugins.CachingSha2Password => AuthPlugins.CachingSha2Scramble(password, nonce),
        AuthPlugins.ClearPassword when tls => AuthPlugins.ClearPasswordBytes(password),
        _ => [],
    };

    private static List<KeyValuePair<string, string>> ConnectAttributes() =>
    [
        new("_client_name", "Sluice.Binlog"),
        new("_client_version", typeof(BinlogConnection).Assembly.GetName().Version?.ToString() ?? "0"),
        new("_pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("program_name", "sluice"),
    ];

    private static async Task<SslStream> StartTlsAsync(BinlogConnectionOptions options, Stream inner, ILogger logger, CancellationToken ct)
    {
        string? failure = null;
        X509Certificate2Collection? caCertificates = null;
        if (options.SslCa is not null)
        {
            caCertificates = new X509Certificate2Collection();
            try
            {
                caCertificates.ImportFromPemFile(options.SslCa);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new BinlogSecurityException($"cannot read the CA certificate file '{options.SslCa}': {ex.Message}", "SslCa must name a readable PEM file", ex);
            }
            if (caCertificates.Count == 0)
                throw new BinlogSecurityException($"no certificate in '{options.SslCa}'", "SslCa must name a PEM file with the CA certificate");
        }

        bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (options.SslMode is BinlogSslMode.Preferred or BinlogSslMode.Required) return true;
            if (certificate is null)
            {
                failure = "the server sent no certificate";
                return false;
            }
            if (options.SslMode == BinlogSslMode.VerifyFull && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                failure = $"the server certificate ({certificate.Subject}) does not name '{options.Host}'";
                return false;
            }
            if (caCertificates is not null)
            {
                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.AddRange(caCertificates);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                if (!custom.Build(leaf))
                {
                    failure = $"the server certificate ({certificate.Subject}) does not chain to the CA in '{options.SslCa}': " +
                              string.Join(", ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()));
                    return false;
                }
                return true;
            }
            if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                failure = $"the server certificate ({certificate.Subject}) is not trusted by this system's CAs";
                return false;
            }
            return true;
        }

        X509CertificateCollection? clientCertificates = null;
        if (options.SslCert is not null)
        {
            clientCertificates = [X509Certificate2.CreateFromPemFile(options.SslCert, options.SslKey)];
        }

        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = options.Host,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = Validate,
                ClientCertificates = clientCertificates,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (failure is not null) ProtocolLog.CertificateRejected(logger, failure);
            throw new BinlogSecurityException($"TLS with {options.Host}:{options.Port} failed: {failure ?? ex.Message}",
                options.SslMode >= BinlogSslMode.VerifyCA
                    ? "set SslCa to the PEM file of the CA that signed the server certificate (VerifyFull also needs the host name or IP in it)"
                    : "check the server's TLS configuration (TLS 1.2 or 1.3 is required)", ex);
        }
    }

    /// <summary>Runs a statement that returns no rows (SET ...). Throws <see cref="BinlogServerException"/> on ERR.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default) =>
        await QueryAsync(sql, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs a text-protocol query and returns its rows as strings (null for SQL NULL).</summary>
    public async Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        EnsureCommandable();
        ProtocolLog.Query(_logger, sql);
        _transport.ResetSequence();
        await _transport.WritePayloadAsync(new ComQuery(sql).ToPayload(), cancellationToken).ConfigureAwait(false);
        QueryResult? first = null;
        while (true)
        {
            var (result, more) = await ReadResultAsync(sql, cancellationToken).ConfigureAwait(false);
            first ??= result;
            if (!more) return first;
        }
    }

    private async Task<(QueryResult Result, bool More)> ReadResultAsync(string sql, CancellationToken ct)
    {
        var (columnDefinitions, moreAfterOk) = await ReadResultHeadAsync(sql, ct).ConfigureAwait(false);
        if (columnDefinitions is null) return (QueryResult.Empty, moreAfterOk);
        var columnCount = columnDefinitions.Length;
        var columns = columnDefinitions.Select(c => c.Name).ToArray();
        var rows = new List<string?[]>();
        while (true)
        {
            using var row = await _transport.ReadPayloadAsync(ct).ConfigureAwait(false);
            if (EofPayload.IsEof(row.Span))
            {
                var eof = EofPayload.Parse(row.Span);
                return (new QueryResult(columns, rows), (eof.StatusFlags & ServerStatusFlags.MoreResultsExist) != 0);
            }
            if (ErrPayload.IsErr(row.Span))
                throw BinlogServerException.Create(ErrPayload.Parse(row.Span, Capabilities), $"query '{Shorten(sql)}'");
            rows.Add(TextRow.Parse(row.Span, columnCount));
        }
    }

    /// <summary>
    /// Reads a result's head: an OK (no rows: null, and whether more results follow) or the column count, the column
    /// definitions and the EOF after them.
    /// </summary>
    private async Task<(ColumnDefinition41[]? Columns, bool More)> ReadResultHeadAsync(string sql, CancellationToken ct)
    {
        int columnCount;
        using (var head = await _transport.ReadPayloadAsync(ct).ConfigureAwait(false))
        {
            switch (head.FirstByte)
            {
                case 0x00:
                    var ok = OkPayload.Parse(head.Span, Capabilities);
                    return (null, (ok.StatusFlags & ServerStatusFlags.MoreResultsExist) != 0);
                case 0xFF:
                    throw BinlogServerException.Create(ErrPayload.Parse(head.Span, Capabilities), $"query '{Shorten(sql)}'");
                case 0xFB:
                    throw new BinlogFormatException("the server asked for LOCAL INFILE data, which this client does not send");
            }
            var reader = new SpanReader(head.Span);
            columnCount = checked((int)reader.ReadLengthEncodedInteger());
        }
        var columns = new ColumnDefinition41[columnCount];
        for (var i = 0; i < columnCount; i++)
        {
            using var def = await _transport.ReadPayloadAsync(ct).ConfigureAwait(false);
            columns[i] = ColumnDefinition41.Parse(def.Span);
        }
        using (var eof = await _transport.ReadPayloadAsync(ct).ConfigureAwait(false))
        {
            if (!EofPayload.IsEof(eof.Span)) throw new BinlogFormatException($"expected EOF after the column definitions, got header byte 0x{eof.FirstByte:x2}");
        }
        return (columns, false);
    }

    /// <summary>
    /// Runs a text-protocol query and hands its first result set to <paramref name="sink"/> as it arrives: the column
    /// definitions, then each row's payload from a pooled buffer (one length-encoded value per column, 0xFB for NULL;
    /// valid only during the call). Memory stays at one packet whatever the result's size. Further result sets are
    /// read and dropped. Returns the number of rows. Throws <see cref="BinlogServerException"/> on ERR.
    /// </summary>
    public async Task<long> QueryRowsAsync(string sql, ITextRowSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        EnsureCommandable();
        ProtocolLog.Query(_logger, sql);
        _transport.ResetSequence();
        await _transport.WritePayloadAsync(new ComQuery(sql).ToPayload(), cancellationToken).ConfigureAwait(false);
        var (columns, more) = await ReadResultHeadAsync(sql, cancellationToken).ConfigureAwait(false);
        if (columns is null)
        {
            if (more) await DrainResultsAsync(sql, cancellationToken).ConfigureAwait(false);
            sink.Columns([]);
            return 0;
        }
        sink.Columns(columns);
        long rows = 0;
        while (true)
        {
            using var row = await _transport.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            if (EofPayload.IsEof(row.Span))
            {
                var eof = EofPayload.Parse(row.Span);
                if ((eof.StatusFlags & ServerStatusFlags.MoreResultsExist) != 0) await DrainResultsAsync(sql, cancellationToken).ConfigureAwait(false);
                return rows;
            }
            if (ErrPayload.IsErr(row.Span))
                throw BinlogServerException.Create(ErrPayload.Parse(row.Span, Capabilities), $"query '{Shorten(sql)}'");
            sink.Row(row.Span);
            rows++;
        }
    }

    private async Task DrainResultsAsync(string sql, CancellationToken ct)
    {
        while ((await ReadResultAsync(sql, ct).ConfigureAwait(false)).More)
        {
        }
    }

    private static string Shorten(string sql) => sql.Length <= 120 ? sql : sql[..117] + "...";

    /// <summary>COM_REGISTER_SLAVE: shows this client in SHOW SLAVE HOSTS under <paramref name="serverId"/>.</summary>
    public async Task RegisterReplicaAsync(uint serverId, CancellationToken cancellationToken = default)
    {
        EnsureCommandable();
        _transport.ResetSequence();
        var command = new ComRegisterSlave(serverId, Environment.MachineName.Length <= 60 ? Environment.MachineName : "", Options.UserName);
        await _transport.WritePayloadAsync(command.ToPayload(), cancellationToken).ConfigureAwait(false);
        using var reply = await _transport.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
        if (ErrPayload.IsErr(reply.Span))
            throw BinlogServerException.Create(ErrPayload.Parse(reply.Span, Capabilities), "registering as a replica");
        if (reply.FirstByte != 0x00) throw new BinlogFormatException($"unexpected reply to COM_REGISTER_SLAVE: header byte 0x{reply.FirstByte:x2}");
    }

    /// <summary>Sends COM_BINLOG_DUMP; events then arrive through <see cref="ReadBinlogPacketAsync"/>.</summary>
    public ValueTask StartBinlogDumpAsync(ComBinlogDump command, CancellationToken cancellationToken = default) =>
        StartDumpAsync(command.ToPayload(), cancellationToken);

    /// <summary>Sends COM_BINLOG_DUMP_GTID (MySQL); events then arrive through <see cref="ReadBinlogPacketAsync"/>.</summary>
    public ValueTask StartBinlogDumpAsync(ComBinlogDumpGtid command, CancellationToken cancellationToken = default) =>
        StartDumpAsync(command.ToPayload(), cancellationToken);

    private ValueTask StartDumpAsync(byte[] payload, CancellationToken ct)
    {
        EnsureCommandable();
        _dumping = true;
        _transport.ResetSequence();
        return _transport.WritePayloadAsync(payload, ct);
    }

    /// <summary>
    /// The next packet of the binlog stream (classify it with <see cref="BinlogStreamPacket.Classify"/>). Dispose it.
    /// </summary>
    public ValueTask<PooledPayload> ReadBinlogPacketAsync(CancellationToken cancellationToken = default)
    {
        if (!_dumping) throw new InvalidOperationException("no binlog dump was started on this connection");
        return _transport.ReadPayloadAsync(cancellationToken);
    }

    /// <summary>
    /// The framing layer, for a reader that takes over the binlog stream (<see cref="Client.BinlogPacketPump"/>); once
    /// it has, <see cref="ReadBinlogPacketAsync"/> must not be used on this connection any more.
    /// </summary>
    internal PacketTransport Transport
    {
        get
        {
            if (!_dumping) throw new InvalidOperationException("no binlog dump was started on this connection");
            return _transport;
        }
    }

    private void EnsureCommandable()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_dumping) throw new InvalidOperationException("this connection is streaming the binlog and takes no more commands");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (!_dumping)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                _transport.ResetSequence();
                await _transport.WritePayloadAsync(new[] { (byte)CommandCode.Quit }, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                Debug.WriteLine($"COM_QUIT not sent: {ex.Message}");
            }
        }
        await _transport.DisposeAsync().ConfigureAwait(false);
    }
}
