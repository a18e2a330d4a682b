using Sluice.Replication.Connectors;
using Sluice.Replication.Discovery;

namespace Sluice.Replication.Tests.Connectors;

public sealed class SourceNameCheckTests
{
    private static SourceColumn Column(string name, int ordinal, int key = 0) =>
        new(name, ordinal, "varchar", "varchar(50)", true, "utf8mb4", "utf8mb4_general_ci", null, null, 0, [], key);

    private static SourceTable Table(string schema, string name, params SourceColumn[] columns) =>
        new(new TableId(schema, name), columns, columns.Where(c => c.IsPrimaryKey).Select(c => c.Name).ToList(), 0, 0, "InnoDB");

    private static readonly IReadOnlyList<SourceTable> Source =
    [
        Table("shop", "customers", Column("id", 1, key: 1), Column("email", 2), Column("name", 3), Column("notes", 4)),
        Table("shop", "orders", Column("id", 1, key: 1), Column("card", 2)),
        Table("crm", "leads", Column("id", 1, key: 1), Column("phone", 2)),
    ];

    [Fact]
    public void Names_that_all_match_give_nothing()
    {
        var names = new ConnectorNames
        {
            IncludeSchemas = ["shop"], ExcludeSchemas = ["crm"], IncludeTables = ["shop.customers"], ExcludeTables = ["shop.orders"],
            IncludeColumns = ["shop.customers.NAME"], ExcludeColumns = ["shop.customers.notes"], HashedColumns = ["shop.customers.email"],
        };
        var result = SourceNameCheck.Check(Source, names);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_typo_in_hashed_columns_names_the_closest_column()
    {
        var result = SourceNameCheck.Check(Source, new ConnectorNames { HashedColumns = ["shop.customers.emial"] });
        Assert.Equal(["'hashedColumns': shop.customers.emial matches no column; did you mean shop.customers.email?"], result.Errors);
    }

    [Fact]
    public void Every_list_is_checked_with_a_suggestion_of_its_own_kind()
    {
        var names = new ConnectorNames
        {
            IncludeSchemas = ["shpo"], ExcludeSchemas = ["crn"], IncludeTables = ["shop.order"], ExcludeTables = ["crm.lead"],
            IncludeColumns = ["shop.customers.nmae"], ExcludeColumns = ["shop.orders.cart"], HashedColumns = ["crm.leads.phon"],
        };
        Assert.Equal(
            [
                "'includeSchemas': shpo matches no schema; did you mean shop?",
                "'excludeSchemas': crn matches no schema; did you mean crm?",
                "'includeTables': shop.order matches no table; did you mean shop.orders?",
                "'excludeTables': crm.lead matches no table; did you mean crm.leads?",
                "'includeColumns': shop.customers.nmae matches no column; did you mean shop.customers.name?",
                "'excludeColumns': shop.orders.cart matches no column; did you mean shop.orders.card?",
                "'hashedColumns': crm.leads.phon matches no column; did you mean crm.leads.phone?",
            ],
            SourceNameCheck.Check(Source, names).Errors);
    }

    [Fact]
    public void Excluding_a_primary_key_column_is_an_error()
    {
        var result = SourceNameCheck.Check(Source, new ConnectorNames { ExcludeColumns = ["shop.orders.ID"] });
        Assert.Equal(["'excludeColumns': shop.orders.ID is part of the primary key of shop.orders, which is always replicated: remove it from 'excludeColumns'"],
            result.Errors);
    }

    [Fact]
    public void A_name_that_matched_before_and_is_gone_only_warns()
    {
        var names = new ConnectorNames { HashedColumns = ["shop.customers.phone", "shop.customers.emial"] };
        var result = SourceNameCheck.Check(Source, names, knownNames: new HashSet<string> { "shop.customers.phone" });
        Assert.Equal(["'hashedColumns': shop.customers.emial matches no column; did you mean shop.customers.email?"], result.Errors);
        Assert.Equal(["'hashedColumns': shop.customers.phone matches no column any more (dropped from the source?); did you mean shop.customers.name?"],
            result.Warnings);
    }

    [Fact]
    public void An_empty_source_gives_no_suggestion()
    {
        var result = SourceNameCheck.Check([], new ConnectorNames { IncludeSchemas = ["shop"] });
        Assert.Equal(["'includeSchemas': shop matches no schema"], result.Errors);
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("emial", "email", 2)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("abc", "", 3)]
    public void Edit_distance(string a, string b, int expected)
    {
        Assert.Equal(expected, SourceNameCheck.EditDistance(a, b));
        Assert.Equal(expected, SourceNameCheck.EditDistance(b, a));
    }

    [Fact]
    public void Include_columns_keep_the_named_and_key_columns_of_their_tables_only()
    {
        var names = new ConnectorNames { IncludeColumns = ["shop.customers.email"], ExcludeColumns = ["shop.orders.card"] };
        var filter = names.ResolveFilter(Source);
        var customers = new TableId("shop", "customers");
        Assert.False(filter.ExcludesColumn(customers, "id"));
        Assert.False(filter.ExcludesColumn(customers, "email"));
        Assert.True(filter.ExcludesColumn(customers, "name"));
        Assert.True(filter.ExcludesColumn(customers, "notes"));
        Assert.True(filter.ExcludesColumn(new TableId("shop", "orders"), "card"));
        Assert.False(filter.ExcludesColumn(new TableId("crm", "leads"), "phone"));
    }
}
