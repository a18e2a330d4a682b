using System.Globalization;

namespace Sluice.Binlog.Gtid;

/// <summary>A MariaDB GTID <c>domain-server-sequence</c>.</summary>
public readonly record struct MariaDbGtid(uint DomainId, uint ServerId, ulong Sequence)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{DomainId}-{ServerId}-{Sequence}");

    public static MariaDbGtid Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('-');
        if (parts.Length != 3
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var server)
            || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            throw new FormatException($"'{text}' is not a MariaDB GTID (domain-server-sequence)");
        }
        return new MariaDbGtid(domain, server, seq);
    }
}
