using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sluice.Host;

namespace Sluice.Cli.Sync;

/// <summary>
/// Reads a connector's column-hashing salt from the default SQLite state store (<c>&lt;state&gt;/sluice-state.db</c>),
/// for <c>sluice verify</c>: the newest <c>Salt</c> of the connector's persisted <c>ConnectorInitialized</c> events
/// (JSON), else of its newest state snapshot. Read-only; the connector need not run.
/// </summary>
public static class StateStoreSalt
{
    public static async Task<byte[]?> ReadAsync(string stateDirectory, string connectorId, CancellationToken cancellationToken)
    {
        var file = new PersistenceOptions { StateDirectory = stateDirectory }.StateFilePath;
        if (!File.Exists(file)) return null;
        var persistenceId = "connector-" + connectorId;
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly }.ToString());
            await connection.OpenAsync(cancellationToken);
            foreach (var sql in new[]
                     {
                         "SELECT message FROM journal WHERE persistence_id = $p AND manifest = 'ConnectorInitialized' ORDER BY sequence_number DESC",
                         "SELECT snapshot FROM snapshot WHERE persistence_id = $p ORDER BY sequence_number DESC",
                     })
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$p", persistenceId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.IsDBNull(0)) continue;
                    if (SaltOf((byte[])reader.GetValue(0)) is { } salt) return salt;
                }
            }
            return null;
        }
        catch (SqliteException ex)
        {
            throw new CliError($"the state store {file} cannot be read ({ex.Message}): pass the sync's --state folder", 1);
        }
    }

    private static byte[]? SaltOf(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Salt", out var salt) && salt.ValueKind == JsonValueKind.String)
            {
                return Convert.FromBase64String(salt.GetString()!);
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
        }
        return null;
    }
}
