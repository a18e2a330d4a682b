using System.CommandLine;
using Sluice.Cli.Binlog;
using Sluice.Cli.Sync;
using Sluice.Cli.Verify;
using Sluice.Replication.Secrets;

namespace Sluice.Cli;

/// <summary>The <c>sluice</c> command tree.</summary>
public static class SluiceCommandLine
{
    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Sluice: MySQL and MariaDB change data capture into analytics destinations.");
        root.Subcommands.Add(BinlogCommands.Build(output, error));
        root.Subcommands.Add(SyncCommand.Build(output));
        root.Subcommands.Add(VerifyCommand.Build(output));
        foreach (var command in Cluster.ClusterCommands.Build(output, error)) root.Subcommands.Add(command);
        return root;
    }

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build(output, error);
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        // 'sync' and 'serve' handle SIGINT/SIGTERM themselves, to stop the actor system (or leave the cluster) cleanly
        // however long that takes.
        if ((args.Length > 0 && args[0] == "sync") || Cluster.ServeCommand.IsServe(args)) config.ProcessTerminationTimeout = null;
        if (parse.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
        {
            // Never echo a password: an unquoted connection string may have been split into several arguments.
            var secrets = Redaction.SecretsInArguments(args);
            foreach (var e in parse.Errors) await error.WriteLineAsync("sluice: " + Redaction.Scrub(e.Message, secrets));
            await error.WriteLineAsync("sluice: see 'sluice " + string.Join(' ', args.TakeWhile(a => !a.StartsWith('-'))) + " --help'");
            return 2;
        }
        try
        {
            return await parse.InvokeAsync(config);
        }
        catch (Exception ex)
        {
            var (message, code) = ErrorReporter.Describe(ex);
            if (message is not null) await error.WriteLineAsync("sluice: " + Redaction.Scrub(message, Redaction.SecretsInArguments(args)));
            return code;
        }
    }
}
