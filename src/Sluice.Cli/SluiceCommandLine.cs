using System.CommandLine;

namespace Sluice.Cli;

/// <summary>The <c>sluice</c> command tree.</summary>
public static class SluiceCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Sluice: MySQL and MariaDB change data capture into analytics destinations.");
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        return await root.Parse(args).InvokeAsync();
    }
}
