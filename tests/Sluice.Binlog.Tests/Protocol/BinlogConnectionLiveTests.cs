using System.Net;
using System.Net.Sockets;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Protocol.Auth;
using Sluice.Binlog.Protocol.Payloads;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Protocol;

/// <summary>Connect, TLS and authentication against the real MariaDB test server.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class BinlogConnectionLiveTests(MariaDbServer server)
{
    private BinlogConnectionOptions Options(BinlogSslMode mode, string? ca = null) =>
        BinlogConnectionOptions.Parse(server.ReplicationConnectionString()) with { SslMode = mode, SslCa = ca };

    [Theory]
    [InlineData(BinlogSslMode.Disabled, false)]
    [InlineData(BinlogSslMode.Preferred, true)]
    [InlineData(BinlogSslMode.Required, true)]
    public async Task Connects_with_native_password(BinlogSslMode mode, bool tls)
    {
        await using var conn = await BinlogConnection.OpenAsync(Options(mode));
        Assert.Equal(tls, conn.IsTls);
        Assert.Equal(AuthPlugins.NativePassword, conn.AuthPlugin);
        Assert.True(conn.IsMariaDb);
        Assert.StartsWith("10.", conn.ServerVersion);
        var user = (await conn.QueryAsync("SELECT CURRENT_USER()")).Scalar;
        Assert.StartsWith(server.ReplicationUser + "@", user);
        var id = (await conn.QueryAsync("SELECT CONNECTION_ID()")).Scalar;
        Assert.Equal(conn.ConnectionId.ToString(System.Globalization.CultureInfo.InvariantCulture), id);
        if (tls)
        {
            var cipher = await conn.QueryAsync("SHOW SESSION STATUS LIKE 'Ssl_version'");
            Assert.Matches("TLSv1\\.[23]", cipher.Rows[0][1]);
        }
    }

    [Theory]
    [InlineData(BinlogSslMode.VerifyCA)]
    [InlineData(BinlogSslMode.VerifyFull)]
    public async Task Verifies_the_server_certificate_with_the_test_ca(BinlogSslMode mode)
    {
        Assert.NotNull(server.SslCaPath);
        await using var conn = await BinlogConnection.OpenAsync(Options(mode, server.SslCaPath));
        Assert.True(conn.IsTls);
        Assert.Equal("1", (await conn.QueryAsync("SELECT 1")).Scalar);
    }

    [Theory]
    [InlineData(BinlogSslMode.VerifyCA)]
    [InlineData(BinlogSslMode.VerifyFull)]
    public async Task Refuses_an_untrusted_certificate(BinlogSslMode mode)
    {
        var ex = await Assert.ThrowsAsync<BinlogSecurityException>(() => BinlogConnection.OpenAsync(Options(mode)));
        Assert.Contains("not trusted", ex.Message);
        Assert.Contains("SslCa", ex.Hint);
    }

    [Fact]
    public async Task Wrong_password_is_access_denied()
    {
        var options = Options(BinlogSslMode.Disabled) with { Password = "not-the-password" };
        var ex = await Assert.ThrowsAsync<BinlogAccessDeniedException>(() => BinlogConnection.OpenAsync(options));
        Assert.Equal(1045, ex.ErrorCode);
        Assert.Equal("28000", ex.SqlState);
        Assert.Contains("Access denied", ex.ServerMessage);
        Assert.DoesNotContain("not-the-password", ex.Message);
    }

    [Fact]
    public async Task Refused_connection_is_a_connection_exception()
    {
        // A port that was just free: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = Options(BinlogSslMode.Disabled) with { Port = port };
        var ex = await Assert.ThrowsAsync<BinlogConnectionException>(() => BinlogConnection.OpenAsync(options));
        Assert.Contains("ConnectionRefused", ex.Message);
        Assert.IsAssignableFrom<IOException>(ex);
    }

    [Fact]
    public async Task Query_returns_rows_columns_and_nulls()
    {
        await using var conn = await BinlogConnection.OpenAsync(Options(BinlogSslMode.Disabled));
        var result = await conn.QueryAsync("SELECT 1 AS a, NULL AS b, 'x''y' AS c UNION ALL SELECT 2, 'z', REPEAT('q', 300)");
        Assert.Equal(["a", "b", "c"], result.Columns);
        Assert.Equal(2, result.Rows.Count);
        Assert.Equal(new string?[] { "1", null, "x'y" }, (IEnumerable<string?>)result.Rows[0]);
        Assert.Equal(new string('q', 300), result.Rows[1][2]);
        Assert.Empty((await conn.QueryAsync("SET @x = 1")).Rows);
        Assert.Equal("1", (await conn.QueryAsync("SELECT @x")).Scalar);
    }

    private sealed class CollectingSink : ITextRowSink
    {
        public List<ColumnDefinition41> Defined { get; } = [];
        public List<string?[]> Rows { get; } = [];

        public void Columns(IReadOnlyList<ColumnDefinition41> columns) => Defined.AddRange(columns);

        public void Row(ReadOnlySpan<byte> payload) => Rows.Add(TextRow.Parse(payload, Defined.Count));
    }

    [Fact]
    public async Task Streamed_query_hands_over_column_definitions_and_every_row()
    {
        await using var conn = await BinlogConnection.OpenAsync(Options(BinlogSslMode.Disabled));
        var sink = new CollectingSink();
        var count = await conn.QueryRowsAsync(
            "SELECT seq AS n, CAST(seq AS BINARY) AS b, IF(seq = 2, NULL, CONCAT('é', seq)) AS t FROM mysql.seq_1_to_3000", sink);
        Assert.Equal(3000, count);
        Assert.Equal(["n", "b", "t"], sink.Defined.Select(c => c.Name));
        Assert.Equal(ColumnDefinition41.Binary, sink.Defined[1].CharacterSet);
        Assert.NotEqual(ColumnDefinition41.Binary, sink.Defined[2].CharacterSet);
        Assert.Equal(new string?[] { "1", "1", "é1" }, (IEnumerable<string?>)sink.Rows[0]);
        Assert.Null(sink.Rows[1][2]);
        Assert.Equal("3000", sink.Rows[^1][0]);

        // A statement without a result set: no columns, no rows; then the connection goes on.
        var none = new CollectingSink();
        Assert.Equal(0, await conn.QueryRowsAsync("SET @y = 5", none));
        Assert.Empty(none.Defined);
        Assert.Equal("5", (await conn.QueryAsync("SELECT @y")).Scalar);
    }

    [Fact]
    public async Task Failing_query_is_a_typed_server_error()
    {
        await using var conn = await BinlogConnection.OpenAsync(Options(BinlogSslMode.Disabled));
        var ex = await Assert.ThrowsAsync<BinlogServerException>(() => conn.QueryAsync("SELEC 1"));
        Assert.Equal(1064, ex.ErrorCode);
        // The connection stays usable after an error.
        Assert.Equal("2", (await conn.QueryAsync("SELECT 2")).Scalar);
    }

    [Fact]
    public async Task Replication_user_reads_the_master_status()
    {
        await using var conn = await BinlogConnection.OpenAsync(Options(BinlogSslMode.Disabled));
        var status = await conn.QueryAsync("SHOW MASTER STATUS");
        Assert.Equal("File", status.Columns[0]);
        Assert.StartsWith("mariadb-bin.", status.Rows[0][0]);
        Assert.True(long.Parse(status.Rows[0][1]!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var logs = await conn.QueryAsync("SHOW BINARY LOGS");
        Assert.Contains(logs.Rows, r => r[0] == status.Rows[0][0]);
    }
}
