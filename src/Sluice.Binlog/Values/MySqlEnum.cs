using System.Globalization;

namespace Sluice.Binlog.Values;

/// <summary>
/// An ENUM cell: the 1-based member index as stored, and its label when the member list is known
/// (from TABLE_MAP ENUM_STR_VALUE metadata or the live schema). Index 0 is MySQL's "empty/invalid" value; its label is "".
/// </summary>
public readonly record struct MySqlEnum(int Index, string? Label)
{
    /// <summary>The label when known, else the index.</summary>
    public override string ToString() => Label ?? Index.ToString(CultureInfo.InvariantCulture);
}
