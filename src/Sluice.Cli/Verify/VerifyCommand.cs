using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Sync;
using Sluice.Replication.Destinations;
using Sluice.Replication.Verify;
using Sluice.Replication.Secrets;

namespace Sluice.Cli.Verify;

/// <summary><c>sluice verify</c>: compares every replicated table's live destination rows with the source.</summary>
public static class VerifyCommand
{
    /// <summary>Exit code when the comparison found a difference (1 is a failure to compare, 2 bad input).</summary>
    public const int DifferencesFound = 4;

    public static Command Build(TextWriter output)
    {
        var source = new Option<string>("--source")
        {
            Description = "Source connection string (MySqlConnector syntax)",
            Required = true,
        };
        var destination = new Option<string>("--destination") { Description = "Destination: duckdb:PATH", Required = true };
        var config = new Option<string?>("--config") { Description = "The connector config file the sync ran with (blocking, hashed columns)" };
        var state = new Option<string?>("--state") { Description = "The sync's state folder (for the hashing salt when the config hashes columns); default: PATH.sluice-state" };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object" };
        var maxListed = new Option<int>("--max-listed")
        {
            Description = "Differences listed per kind and table (all are counted)",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("verify",
            "Compare every table's live destination rows with the source (counts and per-row hashes); exit 4 on any difference.")
        {
            source, destination, config, state, json, maxListed,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cs = parse.GetValue(source)!;
            var spec = DestinationSpec.Parse(parse.GetValue(destination)!);
            var file = ConnectorConfigFile.Load(parse.GetValue(config));
            var listed = parse.GetValue(maxListed);
            if (listed < 0) throw new CliError("--max-listed must be 0 or more", 2);
            var secrets = SourcePreflight.Secrets(cs);

            ColumnHashing? hashing = null;
            if (file.HashedColumns is { Count: > 0 } hashedColumns)
            {
                var stateDirectory = Path.GetFullPath(parse.GetValue(state) ?? spec.Path + ".sluice-state");
                if (!Directory.Exists(stateDirectory))
                {
                    throw new CliError($"the config hashes columns, and comparing them needs the connector's salt from its state folder {stateDirectory}, which does not exist: pass the sync's --state", 2);
                }
                var salt = await StateStoreSalt.ReadAsync(stateDirectory, file.Id, ct)
                    ?? throw new CliError($"no hashing salt for connector '{file.Id}' in {stateDirectory}: run 'sluice sync' with this config and state folder first", 2);
                hashing = new ColumnHashing(salt, hashedColumns);
            }

            await using var destinationConnection = await SourcePreflight.OpenDestinationReadOnlyAsync(spec.Path, ct);
            await using var sourceConnection = await SourcePreflight.OpenAsync(cs, ct);
            var (filter, _, _) = await SourcePreflight.CheckSourceAsync(sourceConnection, file, runSetupChecks: false, ct);
            var result = await DatabaseVerifier.VerifyAsync(sourceConnection, destinationConnection, filter,
                new VerifyOptions { MaxListed = listed, Hashing = hashing }, ct);

            if (parse.GetValue(json)) await output.WriteLineAsync(ToJson(result));
            else await output.WriteAsync(Redaction.Scrub(result.ToText(), secrets));
            await output.FlushAsync(ct);
            if (result.Tables.Count == 0) throw new CliError("verify: no table to compare: the source has no table this config allows", 1);
            return result.IsClean ? 0 : DifferencesFound;
        });
        return command;
    }

    public static string ToJson(DatabaseVerification result)
    {
        var tables = result.Tables.Select(t => new
        {
            table = t.Table.ToString(),
            status = t.Error is not null ? "error" : t.IsClean ? "ok" : "differs",
            hasPrimaryKey = t.HasPrimaryKey,
            sourceRows = t.SourceRows,
            sourceDistinctRows = t.SourceDistinctRows,
            destinationLiveRows = t.DestinationLiveRows,
            destinationDeletedRows = t.DestinationDeletedRows,
            missing = t.MissingCount,
            extra = t.ExtraCount,
            different = t.DifferentCount,
            duplicated = t.DuplicateCount,
            differences = t.Differences.Select(d => d.ToString()).ToList(),
            error = t.Error,
        });
        return JsonSerializer.Serialize(new { clean = result.IsClean, tables });
    }
}
