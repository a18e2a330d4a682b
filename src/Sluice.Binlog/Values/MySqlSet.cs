using System.Globalization;

namespace Sluice.Binlog.Values;

/// <summary>
/// A SET cell: the member bitmask as stored (bit 0 = first member) and, when the member list is known, the labels of
/// the members present in member order.
/// </summary>
public sealed record MySqlSet(ulong Bits, IReadOnlyList<string>? Labels)
{
    /// <summary>Labels joined with ',' (MySQL's text form) when known, else the bitmask as a decimal number.</summary>
    public override string ToString() => Labels is null ? Bits.ToString(CultureInfo.InvariantCulture) : string.Join(',', Labels);

    public bool Equals(MySqlSet? other) =>
        other is not null && Bits == other.Bits
        && (ReferenceEquals(Labels, other.Labels) || (Labels is not null && other.Labels is not null && Labels.SequenceEqual(other.Labels)));

    public override int GetHashCode() => Bits.GetHashCode();
}
