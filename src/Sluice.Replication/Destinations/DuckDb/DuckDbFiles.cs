using DuckDB.NET.Data;

namespace Sluice.Replication.Destinations.DuckDb;

/// <summary>
/// The one way Sluice opens a DuckDB file. The connection string is built with the DuckDB connection-string builder,
/// so a path is always a path (<c>x.duckdb;access_mode=read_only</c> is a file name, not options), and DuckDB's
/// automatic extension install/load is off: a replication target never downloads or loads code (a file in another
/// format, e.g. SQLite, is refused as "not a DuckDB file" instead of fetching a scanner extension).
/// </summary>
public static class DuckDbFiles
{
    /// <summary>The connection string for <paramref name="path"/>, with extension auto-install/auto-load off.</summary>
    public static string ConnectionString(string path, bool readOnly = false)
    {
        var builder = new DuckDBConnectionStringBuilder { DataSource = path };
        builder["autoinstall_known_extensions"] = "false";
        builder["autoload_known_extensions"] = "false";
        if (readOnly) builder["access_mode"] = "READ_ONLY";
        return builder.ConnectionString;
    }

    /// <summary>A new, unopened connection to <paramref name="path"/> (see <see cref="ConnectionString"/>).</summary>
    public static DuckDBConnection Connection(string path, bool readOnly = false) => new(ConnectionString(path, readOnly));

    /// <summary>
    /// Whether a DuckDB open error means the file is not a DuckDB database (another format, or not a database at all);
    /// DuckDB then names the format it found or a missing extension, which Sluice never loads.
    /// </summary>
    public static bool IsNotDuckDbFile(Exception ex) =>
        ex.Message.Contains("not a valid DuckDB database file", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("is a SQLite database", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("autoload", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("extension", StringComparison.OrdinalIgnoreCase);
}
