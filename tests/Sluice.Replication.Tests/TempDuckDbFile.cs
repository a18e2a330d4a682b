using DuckDB.NET.Data;

namespace Sluice.Replication.Tests;

/// <summary>A DuckDB database file in the temp folder, deleted (with its WAL) on dispose.</summary>
public sealed class TempDuckDbFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sluice-test-{Guid.NewGuid():N}.duckdb");

    public void Dispose()
    {
        foreach (var file in new[] { Path, Path + ".wal" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }

    /// <summary>Runs a query on a connection of its own and returns every row's values (DBNull as null).</summary>
    public static List<object?[]> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    Stream s => ReadAll(s),
                    var v => v,
                };
            }
            rows.Add(row);
        }
        return rows;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
