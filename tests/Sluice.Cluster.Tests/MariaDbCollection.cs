using Sluice.Testing;

namespace Sluice.Cluster.Tests;

/// <summary>All live tests of this assembly share one real MariaDB server (and run one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbServer>
{
    public const string Name = "MariaDB";
}
