using Sluice.Testing;

namespace Sluice.Cli.Tests;

/// <summary>
/// Live tests that need a server with its default binlog_row_metadata (no names, signedness or charsets in TABLE_MAP)
/// join this collection and take a <see cref="MariaDbDefaultsServer"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MariaDbDefaultsCollection : ICollectionFixture<MariaDbDefaultsServer>
{
    public const string Name = "MariaDB defaults";
}
