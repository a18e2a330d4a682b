using MySqlConnector;
using Sluice.Actors.Snapshot;
using Sluice.Replication.Connectors;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;
using Sluice.Replication.Positions;
using Sluice.Replication.Setup;
using Sluice.Replication.Values;

namespace Sluice.Actors.Connector;

/// <summary>Opens sessions on a connector's source: the only way the connector reads the source's catalog.</summary>
public interface ISourceCatalog
{
    Task<ISourceSession> OpenAsync(ConnectorConfig config, CancellationToken ct);
}

/// <summary>One connection to the source, for discovery, preparation and position reads.</summary>
public interface ISourceSession : IAsyncDisposable
{
    /// <summary>Ends the source connections a crashed earlier run left behind.</summary>
    Task KillZombieConnectionsAsync(CancellationToken ct);

    Task<IReadOnlyList<SourceTable>> DiscoverAsync(DiscoveryFilter? filter, CancellationToken ct);

    Task<SetupReport> CheckSetupAsync(IReadOnlyList<SourceTable> tables, CancellationToken ct);

    /// <summary>Maps a table (observing its TINYINT(1) columns unless <paramref name="booleanColumns"/> is given).</summary>
    /// <exception cref="NotSupportedException">The table cannot be replicated (also <see cref="UnsupportedCharsetException"/>, <see cref="ArgumentException"/>).</exception>
    Task<PreparedTable> PrepareAsync(SourceTable table, IReadOnlyList<string>? booleanColumns, CancellationToken ct);

    /// <summary>The source's current binlog position (text form).</summary>
    Task<string> ReadCurrentPositionAsync(CancellationToken ct);

    /// <summary>Null when the checkpoint's binlog file is still on the server, else why not.</summary>
    Task<string?> CheckPositionAvailableAsync(string checkpoint, CancellationToken ct);
}

/// <summary>A table ready to replicate: its definition, its mapping, its source column count when columns are excluded.</summary>
public sealed record PreparedTable(SourceTable Source, TableMapping Mapping, int? SourceColumnCount, IReadOnlyList<string> BooleanColumns);

/// <summary>The MySQL/MariaDB source catalog.</summary>
public sealed class MySqlSourceCatalog : ISourceCatalog
{
    public static MySqlSourceCatalog Instance { get; } = new();

    public async Task<ISourceSession> OpenAsync(ConnectorConfig config, CancellationToken ct) =>
        new Session(config, await SourceConnections.OpenAsync(config.SourceConnectionString, ct));

    private sealed class Session(ConnectorConfig config, MySqlConnection connection) : ISourceSession
    {
        public ValueTask DisposeAsync() => connection.DisposeAsync();

        public Task KillZombieConnectionsAsync(CancellationToken ct) =>
            ZombieCleanup.KillOtherConnectionsAsync(connection, cancellationToken: ct);

        public async Task<IReadOnlyList<SourceTable>> DiscoverAsync(DiscoveryFilter? filter, CancellationToken ct) =>
            await SchemaDiscovery.DiscoverAsync(connection, filter, ct);

        public Task<SetupReport> CheckSetupAsync(IReadOnlyList<SourceTable> tables, CancellationToken ct) =>
            SetupChecks.RunAsync(connection, tables, ct);

        public Task<string> ReadCurrentPositionAsync(CancellationToken ct) => SourcePositions.ReadCurrentAsync(connection, ct);

        public async Task<PreparedTable> PrepareAsync(SourceTable table, IReadOnlyList<string>? booleanColumns, CancellationToken ct)
        {
            IReadOnlySet<string> booleans = booleanColumns is null
                ? await TypeMapper.ObserveBooleanTinyIntsAsync(connection, table, ct)
                : new HashSet<string>(booleanColumns, StringComparer.OrdinalIgnoreCase);
            var mapping = TypeMapper.MapTable(table, booleans);
            if (mapping.Destination.Columns.Count == 0)
            {
                throw new NotSupportedException($"table {table.Id} has no column that can be replicated");
            }
            int? columnCount = null;
            if ((config.Filter ?? DiscoveryFilter.All).ExcludeColumns.ContainsKey(table.Id))
            {
                await using var command = new MySqlCommand(
                    "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @s AND TABLE_NAME = @t", connection);
                command.Parameters.AddWithValue("@s", table.Id.Schema);
                command.Parameters.AddWithValue("@t", table.Id.Name);
                columnCount = Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }
            return new PreparedTable(table, mapping, columnCount, booleans.Order(StringComparer.Ordinal).ToArray());
        }

        // A MariaDB GTID start does not always fail when older files were purged, so this is checked before streaming.
        public async Task<string?> CheckPositionAvailableAsync(string checkpoint, CancellationToken ct)
        {
            var file = BinlogPositionText.Parse(checkpoint).FileName;
            if (file.Length == 0) return null;
            var files = new List<string>();
            try
            {
                await using var command = new MySqlCommand("SHOW BINARY LOGS", connection);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) files.Add(reader.GetString(0));
            }
            catch (MySqlException)
            {
                return null; // not allowed to list them: the stream itself reports a purged position
            }
            if (files.Count == 0 || files.Contains(file, StringComparer.Ordinal)) return null;
            return $"the binlog file {file} of the checkpoint was purged (the oldest on the server is {files[0]})";
        }
    }
}
