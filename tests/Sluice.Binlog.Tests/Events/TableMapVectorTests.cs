using System.Text.Json;
using Sluice.Binlog.Events;
using Sluice.Testing;

namespace Sluice.Binlog.Tests.Events;

/// <summary>TABLE_MAP bodies (MySQL 5.7/8.0, MariaDB 10.4/10.5) with and without optional metadata.</summary>
public class TableMapVectorTests
{
    public static TheoryData<string> Keys => BinlogFixtures.VectorKeys("table_map");

    [FixtureTheory]
    [MemberData(nameof(Keys))]
    public void Decodes_table_map_vector(string key)
    {
        var v = BinlogFixtures.Vector(key);
        var body = BinlogFixtures.Hex(v.Vector.GetProperty("hex").GetString()!);
        var mariaDb = (v.Vector.TryGetProperty("flavor", out var f) ? f.GetString() : v.Id)!.StartsWith("mariadb", StringComparison.Ordinal);
        var decoder = new EventDecoder(flavor: mariaDb ? BinlogFlavor.MariaDb : BinlogFlavor.MySql);
        var tm = Assert.IsType<TableMapEvent>(decoder.DecodeBody(BinlogFixtures.HeaderFor(BinlogEventType.TableMap, body.Length), body));
        Assert.Same(tm, decoder.TableMaps[tm.TableId]);
        Assert.Equal(tm.ColumnCount, tm.Columns.Count);
        var m = tm.OptionalMetadata;
        var e = v.Expected;

        if (e.Has("nullable", out var nullable))
        {
            Assert.Equal(nullable.EnumerateArray().Select(x => x.GetBoolean()), tm.Nullable);
            Assert.Equal(tm.Nullable, tm.Columns.Select(c => c.IsNullable));
        }
        if (e.Has("column_names", out var names))
        {
            if (names.IsNull()) Assert.Null(m.ColumnNames);
            else
            {
                Assert.Equal(Strings(names), m.ColumnNames!);
                Assert.Equal(Strings(names), tm.Columns.Select(c => c.Name!));
            }
        }
        if (e.Has("set_str_values", out var sets)) AssertStringLists(sets, m.SetStrValues);
        if (e.Has("enum_str_values", out var enums)) AssertStringLists(enums, m.EnumStrValues);
        if (e.Has("primary_key", out var pk))
        {
            if (pk.IsNull()) Assert.Null(m.PrimaryKey);
            else
            {
                Assert.Equal(pk.EnumerateArray().Select(x => x.GetInt32()), m.PrimaryKey!.Select(p => p.ColumnIndex));
                Assert.Equal(e.GetProperty("primary_key_prefix").EnumerateArray().Select(x => x.GetInt32()), m.PrimaryKey!.Select(p => p.PrefixLength));
                Assert.Equal(pk.EnumerateArray().Select(x => x.GetInt32()).Order(), tm.Columns.Where(c => c.IsPrimaryKey).Select(c => c.Index));
            }
        }
        if (e.Has("visible", out var visible))
        {
            if (visible.IsNull())
            {
                Assert.Null(m.ColumnVisibility);
                Assert.All(tm.Columns, c => Assert.True(c.IsVisible));
            }
            else
            {
                Assert.Equal(visible.EnumerateArray().Select(x => x.GetBoolean()), tm.Columns.Select(c => c.IsVisible));
            }
        }
        if (e.Has("unsigned_by_column_index", out var unsigned))
        {
            if (unsigned.IsNull()) Assert.Null(m.Signedness);
            else
            {
                foreach (var p in unsigned.EnumerateObject()) Assert.Equal(p.Value.GetBoolean(), tm.Columns[int.Parse(p.Name)].IsUnsigned);
                var numeric = unsigned.EnumerateObject().Select(p => int.Parse(p.Name)).ToHashSet();
                Assert.All(tm.Columns.Where(c => !numeric.Contains(c.Index)), c => Assert.False(c.IsUnsigned));
            }
        }
        if (e.Has("collation_by_column_index", out var collations))
        {
            if (collations.IsNull()) Assert.True(m.DefaultCharset is null && m.ColumnCharsets is null);
            else
            {
                var enumSet = e.GetProperty("enum_set_collation_by_column_index");
                var all = collations.EnumerateObject().Concat(enumSet.EnumerateObject())
                    .ToDictionary(p => int.Parse(p.Name), p => p.Value.GetInt32());
                Assert.Equal(all.OrderBy(kv => kv.Key),
                    tm.Columns.Where(c => c.CollationId is not null).Select(c => KeyValuePair.Create(c.Index, c.CollationId!.Value)));
            }
        }
        if (e.Has("enum_str_values_by_column_index", out var enumByColumn) && !enumByColumn.IsNull())
        {
            foreach (var p in enumByColumn.EnumerateObject()) Assert.Equal(Strings(p.Value), tm.Columns[int.Parse(p.Name)].EnumValues!);
        }
        if (e.Has("set_str_values_by_column_index", out var setByColumn) && !setByColumn.IsNull())
        {
            foreach (var p in setByColumn.EnumerateObject()) Assert.Equal(Strings(p.Value), tm.Columns[int.Parse(p.Name)].SetValues!);
        }
        if (e.Has("geometry_type_by_column_index", out var geometry))
        {
            if (geometry.IsNull()) Assert.Null(m.GeometryTypes);
            else
            {
                Assert.Equal(geometry.EnumerateObject().Select(p => KeyValuePair.Create(int.Parse(p.Name), p.Value.GetInt32())),
                    tm.Columns.Where(c => c.GeometryType is not null).Select(c => KeyValuePair.Create(c.Index, c.GeometryType!.Value)));
            }
        }
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(x => x.GetString()!).ToList();

    private static void AssertStringLists(JsonElement expected, IReadOnlyList<IReadOnlyList<string>>? actual)
    {
        if (expected.IsNull())
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected.EnumerateArray().Select(Strings), actual.Select(l => l.ToList()));
    }
}
