using DuckDB.NET.Data;
using MySqlConnector;
using Sluice.Replication.Discovery;
using Sluice.Replication.Mapping;

namespace Sluice.Replication.Verify;

/// <summary>Verifies every table of a discovery + mapping set against a DuckDB destination (see <see cref="TableVerifier"/>).</summary>
public static class DatabaseVerifier
{
    /// <summary>Opens a DuckDB destination file read-only (<c>ACCESS_MODE=READ_ONLY</c>).</summary>
    public static async Task<DuckDBConnection> OpenReadOnlyAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"DuckDB destination {path} does not exist", path);
        var connection = Destinations.DuckDb.DuckDbFiles.Connection(path, readOnly: true);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Verifies the tables with the mappings replication used (the source connection from
    /// <see cref="Values.SourceConnections.OpenAsync"/>). A table whose comparison fails is reported with its error and
    /// the others still run.
    /// </summary>
    public static async Task<DatabaseVerification> VerifyAsync(MySqlConnection source, DuckDBConnection destination,
        IEnumerable<TableMapping> tables, VerifyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var results = new List<TableVerification>();
        foreach (var table in tables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                results.Add(await TableVerifier.VerifyAsync(source, destination, table, options, cancellationToken));
            }
            catch (Exception ex) when (ex is DuckDBException or MySqlException or InvalidOperationException or FormatException or ArgumentException)
            {
                results.Add(new TableVerification(table.Source.Id, table.Source.HasPrimaryKey, 0, 0, 0, 0, 0, 0, 0, 0, [], ex.Message));
            }
        }
        return new DatabaseVerification(results);
    }

    /// <summary>
    /// Discovers the source tables (<paramref name="filter"/>), maps each (observing TINYINT(1) columns, as a sync does)
    /// and verifies them. Prefer the mapping overload when replication's own mappings are at hand: an observation made
    /// now may differ from the one the destination was created with.
    /// </summary>
    public static async Task<DatabaseVerification> VerifyAsync(MySqlConnection source, DuckDBConnection destination,
        DiscoveryFilter? filter = null, VerifyOptions? options = null, CancellationToken cancellationToken = default)
    {
        var discovered = await SchemaDiscovery.DiscoverAsync(source, filter, cancellationToken);
        var mappings = new List<TableMapping>(discovered.Count);
        var unmapped = new List<TableVerification>();
        foreach (var table in discovered)
        {
            try
            {
                mappings.Add(TypeMapper.MapTable(table, await TypeMapper.ObserveBooleanTinyIntsAsync(source, table, cancellationToken)));
            }
            catch (Exception ex) when (ex is UnsupportedCharsetException or NotSupportedException)
            {
                unmapped.Add(new TableVerification(table.Id, table.HasPrimaryKey, 0, 0, 0, 0, 0, 0, 0, 0, [], ex.Message));
            }
        }
        var verified = await VerifyAsync(source, destination, mappings, options, cancellationToken);
        return new DatabaseVerification([.. verified.Tables, .. unmapped]);
    }
}
