using System.Globalization;
using MySqlConnector;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Binlog.Protocol;
using Sluice.Replication.Changes;
using Sluice.Replication.Destinations;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Values;
using Sluice.Testing;

namespace Sluice.Replication.Tests.Changes;

/// <summary>Test helpers: the snapshot path (discovery, mapping, ValueNormalizer) and the binlog path for one table.</summary>
public static class BinlogChanges
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static BinlogClient Client(MariaDbServer server) => new(new BinlogClientOptions
    {
        Connection = BinlogConnectionOptions.Parse(server.ReplicationConnectionString()) with { SslMode = BinlogSslMode.Disabled },
        StopAtEnd = true,
    });

    /// <summary>The server's current binlog position (read before writing what a test streams).</summary>
    public static Task<BinlogPosition> PositionAsync(MariaDbServer server) => Client(server).GetCurrentPositionAsync();

    /// <summary>Discovers and maps one table as the snapshot would (observing TINYINT(1) booleans now).</summary>
    public static async Task<TableMapping> MapAsync(TestDatabase db, string table, DiscoveryFilter? filter = null)
    {
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        filter ??= DiscoveryFilter.FromNames(includeTables: [db.Name + "." + table]);
        var tables = await SchemaDiscovery.DiscoverAsync(connection, filter);
        var source = Assert.Single(tables, t => t.Id.Name == table);
        var booleans = await TypeMapper.ObserveBooleanTinyIntsAsync(connection, source);
        return TypeMapper.MapTable(source, booleans);
    }

    /// <summary>The snapshot rows of a mapped table, keyed by the first column (see <see cref="Key"/>).</summary>
    public static async Task<Dictionary<string, object?[]>> SnapshotAsync(TestDatabase db, TableMapping mapping)
    {
        await using var connection = await SourceConnections.OpenAsync(db.ReplicationConnectionString);
        var rows = new Dictionary<string, object?[]>();
        await using var command = new MySqlCommand(ValueNormalizer.SelectSql(mapping.Destination), connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = ValueNormalizer.ReadRow(reader, mapping.Destination);
            rows.Add(Key(row), row);
        }
        return rows;
    }

    /// <summary>A row's first cell (its id) as text: <c>3</c>, <c>18446744073709551615</c>.</summary>
    public static string Key(object?[] row) => System.Convert.ToString(row[0], CultureInfo.InvariantCulture) ?? "NULL";

    /// <summary>Streams from <paramref name="start"/> to the end of the binlog and returns the rows events of one table.</summary>
    public static async Task<List<RowsEvent>> RowsEventsAsync(MariaDbServer server, BinlogPosition start, string schema, string table)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var events = new List<RowsEvent>();
        await foreach (var item in Client(server).StreamAsync(BinlogStartPosition.FromFile(start.FileName, start.Position), cts.Token))
        {
            if (item.Event is RowsEvent rows && rows.Table?.Schema == schema && rows.Table.Table == table) events.Add(rows);
        }
        return events;
    }

    /// <summary>The row changes of those events, converted with one converter (as a merge actor would).</summary>
    public static List<RowChange> Convert(TableMapping mapping, IEnumerable<RowsEvent> events, int? sourceColumnCount = null)
    {
        var converter = new BinlogRowConverter(mapping, sourceColumnCount);
        return events.SelectMany(converter.ToRowChanges).ToList();
    }

    /// <summary>Asserts two canonical rows are equal value by value: same .NET type and same value.</summary>
    /// <returns>The number of cells compared.</returns>
    public static int AssertSameRow(DestinationTable table, object?[] expected, object?[] actual, string where)
    {
        Assert.Equal(table.Columns.Count, expected.Length);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) AssertSameValue(expected[i], actual[i], $"{where}, column {table.Columns[i].Name}");
        return expected.Length;
    }

    public static void AssertSameValue(object? expected, object? actual, string where)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{where}: expected {Show(expected)}, got {Show(actual)}");
            return;
        }
        Assert.True(expected.GetType() == actual.GetType(),
            $"{where}: expected a {expected.GetType().Name} {Show(expected)}, got a {actual.GetType().Name} {Show(actual)}");
        var same = (expected, actual) switch
        {
            (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
            (DateTime x, DateTime y) => x == y && x.Kind == y.Kind,
            // 1.50m equals 1.5m: compare the text, which carries the scale.
            (decimal x, decimal y) => x.ToString(CultureInfo.InvariantCulture) == y.ToString(CultureInfo.InvariantCulture),
            (double x, double y) => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
            _ => expected.Equals(actual),
        };
        Assert.True(same, $"{where}: expected {Show(expected)}, got {Show(actual)}");
    }

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        byte[] b => "0x" + System.Convert.ToHexString(b.AsSpan(0, Math.Min(b.Length, 64))) + (b.Length > 64 ? $"... ({b.Length} bytes)" : ""),
        string s => "'" + (s.Length > 200 ? s[..200] + $"... ({s.Length} chars)" : s) + "'",
        DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture) + " " + dt.Kind,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
