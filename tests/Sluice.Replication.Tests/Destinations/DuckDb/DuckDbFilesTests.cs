using System.Text;
using DuckDB.NET.Data;
using Sluice.Replication.Destinations.DuckDb;

namespace Sluice.Replication.Tests.Destinations.DuckDb;

/// <summary>How every DuckDB file is opened: paths stay paths, and no extension is ever fetched or loaded.</summary>
public sealed class DuckDbFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sluice-duckdbfiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_path_with_a_semicolon_is_a_file_name_not_options()
    {
        var path = Path.Combine(_dir, "x.duckdb;access_mode=read_only");
        await using (var destination = await DuckDbDestination.OpenAsync(path))
        {
            // Writable: the text after ';' was not read as an option.
            await using var cmd = destination.Connection.CreateCommand();
            cmd.CommandText = "CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1)";
            await cmd.ExecuteNonQueryAsync();
        }
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(Path.Combine(_dir, "x.duckdb")));
    }

    [Fact]
    public async Task Extension_autoinstall_and_autoload_are_off_on_every_connection()
    {
        await using var connection = DuckDbFiles.Connection(Path.Combine(_dir, "a.duckdb"));
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')";
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0));
        Assert.False(reader.GetBoolean(1));
    }

    [Fact]
    public async Task A_sqlite_file_is_not_a_duckdb_file_and_nothing_is_downloaded()
    {
        var path = Path.Combine(_dir, "other.db");
        var header = new byte[4096];
        Encoding.ASCII.GetBytes("SQLite format 3\0").CopyTo(header, 0);
        await File.WriteAllBytesAsync(path, header);

        var ex = await Assert.ThrowsAnyAsync<DuckDBException>(() => DuckDbDestination.OpenAsync(path));

        Assert.True(DuckDbFiles.IsNotDuckDbFile(ex), ex.Message);
        Assert.DoesNotContain("http", ex.Message, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Telling a destination that lost its file, ledger or tables from one that has them.</summary>
public sealed class DuckDbDestinationPresenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sluice-presence-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_missing_file_or_ledger_is_reported_and_nothing_is_created()
    {
        var path = Path.Combine(_dir, "d.duckdb");
        Assert.False(await DuckDbDestination.HasLedgerAsync(path));
        Assert.False(File.Exists(path));

        await using (var other = DuckDbFiles.Connection(path))
        {
            await other.OpenAsync();
        }
        Assert.False(await DuckDbDestination.HasLedgerAsync(path));

        await using (var destination = await DuckDbDestination.OpenAsync(path))
        {
            var id = new Sluice.Replication.Discovery.TableId("shop", "items");
            Assert.False(await destination.HasTableAsync(id));
            await destination.EnsureTableAsync(new Sluice.Replication.Destinations.DestinationTable(id,
                [new Sluice.Replication.Destinations.DestinationColumn("id", Sluice.Replication.Mapping.DestinationType.Long, PrimaryKeyOrdinal: 1)]));
            Assert.True(await destination.HasTableAsync(id));
        }
        Assert.True(await DuckDbDestination.HasLedgerAsync(path));
    }
}
