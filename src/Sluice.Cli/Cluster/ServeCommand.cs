using System.CommandLine;
using Sluice.Cluster.Node;

namespace Sluice.Cli.Cluster;

/// <summary><c>sluice serve --config FILE</c>: run one cluster node until SIGTERM/Ctrl+C (then it leaves the cluster gracefully).</summary>
public static class ServeCommand
{
    /// <summary>True when <paramref name="args"/> run <c>serve</c>: the node handles SIGTERM itself (a graceful leave may take longer than the command line's 2 s).</summary>
    public static bool IsServe(string[] args) => args.Length > 0 && args[0] == "serve";

    public static Command Build(TextWriter output, TextWriter error)
    {
        var config = new Option<string?>("--config")
        {
            Description = "The node's JSON settings (see cluster-config/); SLUICE__SECTION__KEY environment variables override them",
        };
        var command = new Command("serve", "Run a cluster node: connectors as sharded entities, the admin API, shared state. SIGTERM leaves the cluster gracefully.")
        {
            config,
        };
        command.SetAction(async (parse, ct) =>
        {
            NodeOptions options;
            try
            {
                options = NodeConfiguration.Load(parse.GetValue(config));
            }
            catch (NodeConfigurationException ex)
            {
                throw new CliError(ex.Message, 2);
            }
            await ClusterNode.RunAsync(options, ct);
            return 0;
        });
        return command;
    }
}
