using System.CommandLine;
using System.Globalization;
using Sluice.Binlog.Client;
using Sluice.Binlog.Events;
using Sluice.Binlog.Files;
using Sluice.Binlog.Gtid;
using Sluice.Binlog.Protocol;

namespace Sluice.Cli.Binlog;

/// <summary><c>sluice binlog tail | read | status</c>.</summary>
public static class BinlogCommands
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var binlog = new Command("binlog", "Read a MySQL/MariaDB binary log: live from a server, or from local files.");
        binlog.Subcommands.Add(Tail(output));
        binlog.Subcommands.Add(Read(output));
        binlog.Subcommands.Add(Status(output));
        return binlog;
    }

    private static Option<string> SourceOption() => new("--source")
    {
        Description = "Connection string in MySqlConnector syntax: \"Server=...;Port=...;User ID=...;Password=...;SslMode=...\"",
        Required = true,
    };

    private static Option<ChangeFormat> FormatOption() => new("--format")
    {
        Description = "jsonl (one JSON object per line) or text",
        DefaultValueFactory = _ => ChangeFormat.Jsonl,
    };

    private static Command Tail(TextWriter output)
    {
        var source = SourceOption();
        var fromStart = new Option<bool>("--from-start") { Description = "Start at the oldest binlog the server still has" };
        var from = new Option<string?>("--from") { Description = "Start at FILE:POS (e.g. mysql-bin.000042:4)" };
        var gtid = new Option<string?>("--gtid") { Description = "Start after a GTID set: MySQL uuid:1-100[,...] or MariaDB domain-server-seq[,...]" };
        var stopAtEnd = new Option<bool>("--stop-at-end") { Description = "Exit 0 once the position current at connect time is reached" };
        var limit = new Option<long?>("--limit") { Description = "Stop after N lines" };
        var format = FormatOption();
        var command = new Command("tail", "Stream row changes, DDL and commits from a server's binlog, one line each.")
        {
            source, fromStart, from, gtid, stopAtEnd, limit, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var connectionString = parse.GetValue(source)!;
            var start = StartPosition(parse.GetValue(fromStart), parse.GetValue(from), parse.GetValue(gtid));
            var options = new BinlogClientOptions
            {
                Connection = ParseConnection(connectionString),
                StopAtEnd = parse.GetValue(stopAtEnd),
            };
            var max = parse.GetValue(limit);
            if (max is <= 0) throw new CliError("--limit must be a positive number of lines", 2);
            var printer = new ChangePrinter(output, parse.GetValue(format), new LiveSchema(connectionString));
            var client = new BinlogClient(options);
            await foreach (var item in client.StreamAsync(start, ct))
            {
                // Stop as soon as the limit is reached: the next event may be a long time coming.
                if (!await printer.PrintAsync(item.Event, item.Position.FileName, item.Position.Position, max, ct)
                    || printer.Lines >= max) break;
                if (item.IsTransactionBoundary) await output.FlushAsync(ct);
            }
            await output.FlushAsync(ct);
            return 0;
        });
        return command;
    }

    private static Command Read(TextWriter output)
    {
        var files = new Argument<string[]>("files") { Description = "Binlog files, read in the order given", Arity = ArgumentArity.OneOrMore };
        var limit = new Option<long?>("--limit") { Description = "Stop after N lines" };
        var format = FormatOption();
        var command = new Command("read", "Print the row changes, DDL and commits of local binlog files (columns @1, @2, ... when the file has no names).")
        {
            files, limit, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var printer = new ChangePrinter(output, parse.GetValue(format));
            var max = parse.GetValue(limit);
            if (max is <= 0) throw new CliError("--limit must be a positive number of lines", 2);
            foreach (var path in parse.GetValue(files)!)
            {
                if (!File.Exists(path)) throw new CliError($"binlog file '{path}' does not exist: check the path", 2);
                var name = Path.GetFileName(path);
                await using var reader = BinlogFileReader.Open(path);
                await foreach (var e in reader.ReadEventsAsync(ct))
                {
                    var end = e.Event.Header.NextPosition != 0 ? e.Event.Header.NextPosition : e.Offset + e.Event.Header.EventSize;
                    if (!await printer.PrintAsync(e.Event, name, end, max, ct) || printer.Lines >= max)
                    {
                        await output.FlushAsync(ct);
                        return 0;
                    }
                }
            }
            await output.FlushAsync(ct);
            return 0;
        });
        return command;
    }

    private static Command Status(TextWriter output)
    {
        var source = SourceOption();
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object" };
        var command = new Command("status", "Binlog settings, current position and GTID state, retention, and whether the user's grants suffice.")
        {
            source, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var connectionString = parse.GetValue(source)!;
            var report = await BinlogStatusReport.LoadAsync(connectionString, ParseConnection(connectionString), ct);
            if (parse.GetValue(json)) await report.WriteJsonAsync(output);
            else await report.WriteTextAsync(output);
            return report.Problems.Count == 0 ? 0 : 3;
        });
        return command;
    }

    internal static BinlogConnectionOptions ParseConnection(string connectionString)
    {
        try
        {
            return BinlogConnectionOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new CliError($"--source is not a valid connection string: {ex.Message}", 2);
        }
        catch (FormatException ex)
        {
            throw new CliError($"--source is not a valid connection string: {ex.Message}", 2);
        }
    }

    internal static BinlogStartPosition StartPosition(bool fromStart, string? from, string? gtid)
    {
        var chosen = (fromStart ? 1 : 0) + (from is null ? 0 : 1) + (gtid is null ? 0 : 1);
        if (chosen > 1) throw new CliError("choose one of --from-start, --from FILE:POS and --gtid SET", 2);
        if (fromStart) return BinlogStartPosition.Earliest;
        if (from is not null)
        {
            var colon = from.LastIndexOf(':');
            if (colon <= 0 || !long.TryParse(from.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var pos) || pos < 4)
            {
                throw new CliError($"--from '{from}' is not FILE:POS: write it like mysql-bin.000042:4 (POS at least 4)", 2);
            }
            return BinlogStartPosition.FromFile(from[..colon], pos);
        }
        if (gtid is not null)
        {
            try
            {
                return gtid.Contains(':')
                    ? BinlogStartPosition.FromMySqlGtidSet(MySqlGtidSet.Parse(gtid))
                    : BinlogStartPosition.FromMariaDbGtid(MariaDbGtidList.Parse(gtid));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new CliError($"--gtid '{gtid}' is not a GTID set: write MySQL uuid:1-100 or MariaDB 0-1-100 ({ex.Message})", 2);
            }
        }
        return BinlogStartPosition.Current;
    }
}
