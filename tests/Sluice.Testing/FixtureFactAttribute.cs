using Xunit;

namespace Sluice.Testing;

/// <summary>A fact that needs <c>../shared/fixtures/binlog</c>; skipped with a message when it is absent.</summary>
public sealed class FixtureFactAttribute : FactAttribute
{
    public FixtureFactAttribute()
    {
        if (RepositoryPaths.BinlogFixtures is null) Skip = RepositoryPaths.MissingFixturesMessage;
    }
}

/// <summary>A theory that needs <c>../shared/fixtures/binlog</c>; skipped with a message when it is absent.</summary>
public sealed class FixtureTheoryAttribute : TheoryAttribute
{
    public FixtureTheoryAttribute()
    {
        if (RepositoryPaths.BinlogFixtures is null) Skip = RepositoryPaths.MissingFixturesMessage;
    }
}
