using Microsoft.Data.Sqlite;

namespace Sluice.Cli.Sync;

/// <summary>
/// Checks, before the actor system starts, that the state folder's SQLite file can be read and written: a corrupt
/// file, a read-only folder or a full disk end the run with one line naming the folder, instead of a run that copies
/// nothing and exits 0.
/// </summary>
public static class StatePreflight
{
    public static async Task CheckAsync(string stateDirectory, string stateFile, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = stateFile, Pooling = false, DefaultTimeout = 10 };
        try
        {
            await using var connection = new SqliteConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check";
            var result = (await check.ExecuteScalarAsync(cancellationToken))?.ToString();
            if (!string.Equals(result, "ok", StringComparison.OrdinalIgnoreCase))
                throw new CliError($"--state folder {stateDirectory}: its state file {Path.GetFileName(stateFile)} is corrupt ({result}): restore it from a backup, or move it away to copy everything again", 1);
            // A write that is rolled back: proves the file and the folder (journal) are writable.
            await using var write = connection.CreateCommand();
            write.CommandText = "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS sluice_write_probe (x INTEGER); INSERT INTO sluice_write_probe VALUES (1); ROLLBACK;";
            await write.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            var what = ex.SqliteErrorCode switch
            {
                11 or 26 => "its state file is corrupt or not a SQLite file",
                13 => "the disk is full",
                8 or 14 => "it is not writable",
                5 or 6 => "its state file is in use by another process",
                _ => "its state file cannot be read or written",
            };
            throw new CliError($"--state folder {stateDirectory}: {what} ({ex.Message.Split('\n')[0].Trim()}): fix the folder, or choose another with --state", 1);
        }
    }
}
