using System.CommandLine;

namespace Sluice.Cli.Cluster;

/// <summary>The clustered-service commands: <c>serve</c> and <c>ctl</c>.</summary>
public static class ClusterCommands
{
    public static IEnumerable<Command> Build(TextWriter output, TextWriter error) =>
        [ServeCommand.Build(output, error), CtlCommand.Build(output, error)];
}
