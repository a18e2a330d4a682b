using MySqlConnector;

namespace Sluice.Replication.Values;

/// <summary>Source connections configured the way <see cref="ValueNormalizer"/> expects.</summary>
public static class SourceConnections
{
    /// <summary>
    /// Returns <paramref name="connectionString"/> with the options snapshot reads need: zero/invalid dates come back
    /// as <see cref="MySqlDateTime"/> instead of throwing (<c>AllowZeroDateTime=true</c>, <c>ConvertZeroDateTime=false</c>),
    /// TINYINT(1) stays a number (<c>TreatTinyAsBoolean=false</c>) and CHAR(36)/BINARY(16) stay text/bytes (<c>GuidFormat=None</c>).
    /// </summary>
    public static string Prepare(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString)
        {
            AllowZeroDateTime = true,
            ConvertZeroDateTime = false,
            TreatTinyAsBoolean = false,
            GuidFormat = MySqlGuidFormat.None,
        };
        return builder.ConnectionString;
    }

    /// <summary>
    /// Opens a connection with <see cref="Prepare"/>'s options and the session time zone set to UTC, so TIMESTAMP
    /// columns read as UTC wall-clock values.
    /// </summary>
    public static async Task<MySqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var connection = new MySqlConnection(Prepare(connectionString));
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new MySqlCommand("SET time_zone = '+00:00'", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
