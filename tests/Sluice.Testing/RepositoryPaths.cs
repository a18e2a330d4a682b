namespace Sluice.Testing;

/// <summary>Finds the repository root (the folder with Actors.sln) and the shared fixtures beside it.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) return dir.FullName;
            dir = dir.Parent;
        }
        throw new InvalidOperationException($"Actors.sln not found above {AppContext.BaseDirectory}: run the tests from a Sluice checkout");
    }

    /// <summary>
    /// <c>../shared/fixtures/binlog</c> beside the repository (or <c>SLUICE_SHARED_FIXTURES</c>/binlog), or null when
    /// absent, as in a user's clone.
    /// </summary>
    public static string? BinlogFixtures
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("SLUICE_SHARED_FIXTURES");
            var candidates = new List<string>();
            if (!string.IsNullOrEmpty(env)) candidates.Add(Path.Combine(env, "binlog"));
            try { candidates.Add(Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "binlog"))); }
            catch (InvalidOperationException) { }
            return candidates.FirstOrDefault(Directory.Exists);
        }
    }

    public const string MissingFixturesMessage =
        "../shared/fixtures/binlog is absent (a user's clone has no shared/): recorded-binlog tests skipped";
}
