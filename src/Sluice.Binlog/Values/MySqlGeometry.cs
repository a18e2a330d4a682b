namespace Sluice.Binlog.Values;

/// <summary>
/// A GEOMETRY cell: MySQL's internal format is a 4-byte little-endian SRID followed by standard WKB.
/// </summary>
public sealed record MySqlGeometry(uint Srid, byte[] Wkb)
{
    /// <summary>The geometry as a GeoJSON geometry object (see <see cref="GeoJson"/>).</summary>
    public string ToGeoJson() => GeoJson.FromWkb(Wkb);

    public bool Equals(MySqlGeometry? other) => other is not null && Srid == other.Srid && Wkb.AsSpan().SequenceEqual(other.Wkb);

    public override int GetHashCode() => HashCode.Combine(Srid, Wkb.Length);

    /// <summary>The GeoJSON text, or null when the WKB is malformed or of an unsupported kind.</summary>
    public string? TryToGeoJson()
    {
        try
        {
            return GeoJson.FromWkb(Wkb);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary><c>SRID=n;</c> then the GeoJSON, or the WKB in hex when it cannot be rendered.</summary>
    public override string ToString() => $"SRID={Srid};{TryToGeoJson() ?? Convert.ToHexString(Wkb)}";
}
