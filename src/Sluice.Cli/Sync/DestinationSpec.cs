namespace Sluice.Cli.Sync;

/// <summary>A <c>--destination</c> value: <c>duckdb:PATH</c> (the only scheme so far).</summary>
public sealed record DestinationSpec(string Scheme, string Path)
{
    public static readonly IReadOnlyList<string> Schemes = ["duckdb"];

    public static DestinationSpec Parse(string value)
    {
        var colon = value.IndexOf(':');
        // "C:\x.duckdb" has a one-letter "scheme": treat a bare path as a missing scheme, not as scheme "c".
        if (colon <= 1)
        {
            throw new CliError($"--destination '{value}' has no scheme: write duckdb:PATH (e.g. duckdb:./replica.duckdb)", 2);
        }
        var scheme = value[..colon].ToLowerInvariant();
        var path = value[(colon + 1)..];
        if (scheme.StartsWith("//", StringComparison.Ordinal)) path = path[2..];
        if (!Schemes.Contains(scheme))
        {
            throw new CliError($"--destination scheme '{value[..colon]}' is not supported: use duckdb:PATH (supported: {string.Join(", ", Schemes)})", 2);
        }
        if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..];
        if (path.Length == 0) throw new CliError("--destination duckdb: needs a file path: write duckdb:PATH (e.g. duckdb:./replica.duckdb)", 2);
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CliError($"--destination {full} is a directory: name a DuckDB file, e.g. duckdb:{System.IO.Path.Combine(path, "replica.duckdb")}", 2);
        return new DestinationSpec(scheme, full);
    }

    public override string ToString() => Scheme + ":" + Path;
}
