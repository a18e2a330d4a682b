using Sluice.Replication.Schema;

namespace Sluice.Replication.Tests.Schema;

public sealed class SchemaCatalogReaderTests
{
    [Theory]
    [InlineData("10.11.19-MariaDB-0+deb12u1-log", SchemaDialect.MariaDb)]
    [InlineData("5.5.5-10.6.12-MariaDB", SchemaDialect.MariaDb)]
    [InlineData("5.7.44-log", SchemaDialect.MySql57)]
    [InlineData("8.0.18", SchemaDialect.MySql57)]
    [InlineData("8.0.19", SchemaDialect.MySql80)]
    [InlineData("8.0.36-0ubuntu0.22.04.1", SchemaDialect.MySql80)]
    [InlineData("8.4.0", SchemaDialect.MySql80)]
    [InlineData("9.1.0", SchemaDialect.MySql80)]
    public void Dialect_follows_the_server_version(string version, SchemaDialect dialect) =>
        Assert.Equal(dialect, SchemaCatalogReader.DialectOf(version));
}
