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
