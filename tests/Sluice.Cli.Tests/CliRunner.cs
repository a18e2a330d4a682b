namespace Sluice.Cli.Tests;

/// <summary>Runs the <c>sluice</c> command line in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var code = await SluiceCommandLine.RunAsync(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
