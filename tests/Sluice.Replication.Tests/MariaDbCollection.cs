using Sluice.Testing;

namespace Sluice.Replication.Tests;

/// <summary>All live tests of this assembly share one real MariaDB server.</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbServer>
{
    public const string Name = "MariaDB";
}
