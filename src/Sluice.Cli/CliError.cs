namespace Sluice.Cli;

/// <summary>A user-facing failure: printed as one line (no stack trace), with a non-zero exit code.</summary>
public sealed class CliError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
