using DuckDB.NET.Data;
using MySqlConnector;
using Sluice.Replication.Connectors;
using Sluice.Replication.Discovery;
using Sluice.Replication.Setup;
using Sluice.Replication.Values;
using Sluice.Replication.Secrets;

namespace Sluice.Cli.Sync;

/// <summary>
/// The checks <c>sluice sync</c> and <c>sluice verify</c> run before anything starts, so bad input ends with one line
/// naming the thing and the fix: the source is reachable and the login accepted, the config's names resolve, the
/// setup checks pass, the destination file can be opened.
/// </summary>
public static class SourcePreflight
{
    /// <summary>Opens a short-lived, unpooled source connection, turning failures into <see cref="CliError"/>s.</summary>
    public static async Task<MySqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        MySqlConnectionStringBuilder builder;
        try
        {
            builder = new MySqlConnectionStringBuilder(SourceConnections.Prepare(connectionString)) { Pooling = false };
        }
        catch (ArgumentException ex)
        {
            throw new CliError($"--source is not a valid connection string ({Redaction.Scrub(ex.Message, Secrets(connectionString))}): write it like \"Server=db;Port=3306;User ID=sluice;Password=...\"", 2);
        }
        if (builder.ConnectionTimeout > 30) builder.ConnectionTimeout = 30;
        var endpoint = $"{builder.Server}:{builder.Port}";
        try
        {
            return await SourceConnections.OpenAsync(builder.ConnectionString, cancellationToken);
        }
        catch (MySqlException ex)
        {
            var message = Redaction.Scrub(ex.Message, Secrets(connectionString));
            throw ex.ErrorCode switch
            {
                MySqlErrorCode.AccessDenied => new CliError(
                    $"the source at {endpoint} refused the login of user '{builder.UserID}' ({message}): check User ID and Password in --source", 1),
                MySqlErrorCode.UnableToConnectToHost => new CliError(
                    $"cannot reach the source at {endpoint} ({message}): check Server and Port in --source and that the server is running", 1),
                _ => new CliError($"cannot open the source at {endpoint} ({message} [error {ex.Number}]): check --source", 1),
            };
        }
    }

    /// <summary>
    /// Checks every name the config lists against the source (a name that matches nothing, or a primary-key column in
    /// excludeColumns, ends the run with exit code 2 before anything is written, naming the closest existing name),
    /// resolves the blocking filter, discovers the tables and runs the setup checks (errors end the run with exit
    /// code 3, one line each; warnings are returned).
    /// </summary>
    public static async Task<(DiscoveryFilter Filter, IReadOnlyList<SourceTable> Tables, IReadOnlyList<SetupProblem> Warnings)> CheckSourceAsync(
        MySqlConnection source, ConnectorDefinition config, bool runSetupChecks, CancellationToken cancellationToken)
    {
        DiscoveryFilter filter;
        try
        {
            (filter, _) = await config.Names().ResolveAsync(source, knownNames: null, cancellationToken);
        }
        catch (ConnectorNameException ex)
        {
            throw new CliError("config: " + string.Join(Environment.NewLine + "sluice: config: ", ex.Problems), 2);
        }
        var tables = await SchemaDiscovery.DiscoverAsync(source, filter, cancellationToken);
        if (runSetupChecks)
        {
            var report = await SetupChecks.RunAsync(source, tables, cancellationToken);
            if (!report.CanReplicate)
            {
                throw new CliError("setup check failed: " + string.Join(Environment.NewLine + "sluice: setup check failed: ",
                    report.Errors.Select(p => $"{p.Setting}: {p.Problem}; fix: {p.Fix}")), 3);
            }
            return (filter, tables, report.Warnings.ToList());
        }
        return (filter, tables, []);
    }

    /// <summary>
    /// Makes sure the destination file can be written by this process: its folder exists (created when missing) and no
    /// other process holds the file (DuckDB allows one writer process).
    /// </summary>
    public static async Task CheckDestinationWritableAsync(string path, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"--destination folder {folder} cannot be created ({ex.Message}): choose a writable path", 2);
        }
        if (!File.Exists(path))
        {
            // Never create the destination here: a destination that vanished between runs must reach the connector's
            // missing-destination check, not be replaced by an empty file. Only check that the folder can take a file.
            var probe = Path.Combine(folder, $".sluice-write-probe-{Environment.ProcessId}");
            try
            {
                await using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliError($"--destination folder {folder} is not writable ({FirstLine(ex.Message)}): choose a folder this user can write to, or fix its permissions", 1);
            }
            return;
        }
        try
        {
            await using var connection = Replication.Destinations.DuckDb.DuckDbFiles.Connection(path);
            await connection.OpenAsync(cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new CliError(ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase)
                ? $"--destination {path} is in use by another process (DuckDB allows one writer): stop the other sluice sync, or close the program holding the file"
                : Replication.Destinations.DuckDb.DuckDbFiles.IsNotDuckDbFile(ex)
                    ? $"--destination {path} is not a DuckDB file: name a new file or an existing DuckDB file"
                    : ex.Message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("read-only", StringComparison.OrdinalIgnoreCase)
                        ? $"--destination {path} is not writable ({FirstLine(ex.Message)}): fix the permissions of the file and its folder"
                        : $"--destination {path} cannot be opened as a DuckDB database ({FirstLine(ex.Message)}): name a new file or an existing DuckDB file", 1);
        }
    }

    /// <summary>The destination file for reading; missing or locked files end with one line.</summary>
    public static async Task<DuckDBConnection> OpenDestinationReadOnlyAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new CliError($"--destination {path} does not exist: run 'sluice sync' first, or check the path", 2);
        try
        {
            return await Replication.Verify.DatabaseVerifier.OpenReadOnlyAsync(path, cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new CliError(ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase)
                ? $"--destination {path} is in use by a running sluice sync (DuckDB allows no reader beside a writer process): stop it first (Ctrl+C), then verify"
                : Replication.Destinations.DuckDb.DuckDbFiles.IsNotDuckDbFile(ex)
                    ? $"--destination {path} is not a DuckDB file: name the file 'sluice sync' wrote"
                    : $"--destination {path} cannot be opened as a DuckDB database ({FirstLine(ex.Message)})", 1);
        }
    }

    public static IReadOnlyCollection<string> Secrets(string connectionString) =>
        Redaction.SecretsOf(connectionString);

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
