using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Binlog.Protocol;
using Sluice.Binlog.Values;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Live;

/// <summary>
/// A server with its default binlog_row_metadata: TABLE_MAP carries no charsets, signedness, names or labels, and the
/// decoder hands text over as the column's own bytes instead of guessing a charset.
/// </summary>
[Collection(MariaDbDefaultsCollection.Name)]
public sealed class DefaultRowMetadataTests(MariaDbDefaultsServer server)
{
    [Fact]
    public async Task The_server_keeps_its_default_row_metadata()
    {
        Assert.False(server.FullRowMetadata);
        Assert.Equal("NO_LOG", await server.ScalarAsync("SELECT @@GLOBAL.binlog_row_metadata"));
        Assert.Equal("ROW", await server.ScalarAsync("SELECT @@GLOBAL.binlog_format"));
        Assert.Equal("FULL", await server.ScalarAsync("SELECT @@GLOBAL.binlog_row_image"));
    }

    [Fact]
    public async Task Text_of_unknown_charset_stays_the_columns_bytes()
    {
        var db = await server.DatabaseForAsync(GetType());
        await db.ExecuteAsync("""
            CREATE TABLE raw_text (id INT PRIMARY KEY, l1 VARCHAR(10) CHARACTER SET latin1, c CHAR(4) CHARACTER SET cp1251,
                                   u2 VARCHAR(10) CHARACTER SET ucs2, bin BINARY(4), vb VARBINARY(4), tx TEXT, u TINYINT UNSIGNED)
            """);
        var client = new BinlogClient(new BinlogClientOptions
        {
            Connection = BinlogConnectionOptions.Parse(server.ReplicationConnectionString()) with { SslMode = BinlogSslMode.Disabled },
            StopAtEnd = true,
        });
        var start = await client.GetCurrentPositionAsync();
        await db.ExecuteAsync("INSERT INTO raw_text VALUES (1, '€\\0ÿ', 'ж', 'Ω', 0x61, 0x6200, 'é', 255)");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        WriteRowsEvent? write = null;
        await foreach (var item in client.StreamAsync(BinlogStartPosition.FromFile(start.FileName, start.Position), cts.Token))
        {
            if (item.Event is WriteRowsEvent w && w.Table?.Table == "raw_text") write = w;
        }
        Assert.NotNull(write);
        Assert.All(write.Table!.Columns, c => Assert.Null(c.CollationId));
        var row = Assert.Single(write.Rows);
        Assert.Equal(new byte[] { 0x80, 0x00, 0xFF }, row[1]);          // latin1 (Windows-1252) bytes
        Assert.Equal(new byte[] { 0xE6 }, row[2]);                      // cp1251 'ж'
        Assert.Equal(new byte[] { 0x03, 0xA9 }, row[3]);                // ucs2 'Ω'
        Assert.Equal(new byte[] { 0x61 }, row[4]);                      // BINARY(4) without its 0x00 padding
        Assert.Equal(new byte[] { 0x62, 0x00 }, row[5]);
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, row[6]);                // utf8mb4 TEXT
        Assert.Equal(-1L, row[7]);                                      // no signedness: read signed
    }
}
