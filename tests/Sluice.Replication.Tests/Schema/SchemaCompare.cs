using Sluice.Replication.Schema;

namespace Sluice.Replication.Tests.Schema;

/// <summary>Compares table definitions field by field, on what decoding uses.</summary>
internal static class SchemaCompare
{
    /// <summary>The differences between two definitions, one line each (empty when they agree).</summary>
    public static List<string> Differences(TableSchema expected, TableSchema actual)
    {
        var diffs = new List<string>();
        var id = expected.Id.ToString();
        if (expected.Id != actual.Id) diffs.Add($"{id}: name {actual.Id}");
        if (expected.Defaults != actual.Defaults) diffs.Add($"{id}: defaults {expected.Defaults} vs {actual.Defaults}");
        if (!expected.Table.PrimaryKey.SequenceEqual(actual.Table.PrimaryKey, StringComparer.OrdinalIgnoreCase))
        {
            diffs.Add($"{id}: key ({string.Join(",", expected.Table.PrimaryKey)}) vs ({string.Join(",", actual.Table.PrimaryKey)})");
        }
        var names = (string.Join(",", expected.Columns.Select(c => c.Name)), string.Join(",", actual.Columns.Select(c => c.Name)));
        if (names.Item1 != names.Item2)
        {
            diffs.Add($"{id}: columns [{names.Item1}] vs [{names.Item2}]");
            return diffs;
        }
        for (var k = 0; k < expected.Columns.Count; k++)
        {
            var e = expected.Columns[k];
            var a = actual.Columns[k];
            void Check<T>(string field, T x, T y)
            {
                if (!EqualityComparer<T>.Default.Equals(x, y)) diffs.Add($"{id}.{e.Name}: {field} {x} vs {y}");
            }
            Check("ordinal", e.Ordinal, a.Ordinal);
            Check("data type", e.DataType, a.DataType);
            Check("column type", e.ColumnType, a.ColumnType);
            Check("nullable", e.IsNullable, a.IsNullable);
            Check("charset", e.CharacterSet, a.CharacterSet);
            Check("collation", e.Collation, a.Collation);
            Check("precision", e.NumericPrecision, a.NumericPrecision);
            Check("scale", e.NumericScale, a.NumericScale);
            Check("fsp", e.DateTimePrecision, a.DateTimePrecision);
            Check("labels", string.Join("|", e.Labels), string.Join("|", a.Labels));
            Check("key ordinal", e.PrimaryKeyOrdinal, a.PrimaryKeyOrdinal);
            Check("json", e.IsJsonAlias, a.IsJsonAlias);
            Check("generated", Generated(e.Extra), Generated(a.Extra));
        }
        return diffs;
    }

    private static string Generated(string extra) =>
        extra.Contains("VIRTUAL", StringComparison.OrdinalIgnoreCase) ? "virtual"
        : extra.Contains("STORED", StringComparison.OrdinalIgnoreCase) || extra.Contains("PERSISTENT", StringComparison.OrdinalIgnoreCase) ? "stored"
        : "";
}
