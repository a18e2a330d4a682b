using Sluice.Replication.Mapping;
using Sluice.Replication.Values;

namespace Sluice.Replication.Tests.Values;

public sealed class CanonicalValuesTests
{
    [Theory]
    [InlineData("1.50", true)]
    [InlineData("-0.01", true)]
    [InlineData("18446744073709551615", true)]
    [InlineData("0.000000000000000000000000000001", false)]
    [InlineData("123456789012345678901234567890.5", false)]
    public void BigDecimal_is_a_decimal_only_when_exact(string text, bool isDecimal)
    {
        var value = CanonicalValues.BigDecimal(text);
        Assert.Equal(isDecimal, value is decimal);
        Assert.Equal(text, CanonicalValues.BigDecimalText(value));
    }

    [Fact]
    public void Hash_is_sha256_hex_and_stable()
    {
        var hash = CanonicalValues.Hash(["Shrink-ray gun", 1L]);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, CanonicalValues.Hash(["Shrink-ray gun", 1L]));
        Assert.Equal(hash, CanonicalValues.Hash(["Shrink-ray gun", 1])); // ints widen to long
    }

    [Fact]
    public void Hash_tells_types_nulls_and_boundaries_apart()
    {
        var hashes = new[]
        {
            CanonicalValues.Hash(["ab", "c"]),
            CanonicalValues.Hash(["a", "bc"]),
            CanonicalValues.Hash(["1"]),
            CanonicalValues.Hash([1L]),
            CanonicalValues.Hash([true]),
            CanonicalValues.Hash([null]),
            CanonicalValues.Hash([""]),
            CanonicalValues.Hash([Array.Empty<byte>()]),
            CanonicalValues.Hash([new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)]),
            CanonicalValues.Hash([new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Unspecified)]),
            CanonicalValues.Hash([new DateOnly(2020, 1, 1)]),
            CanonicalValues.Hash([1.0]),
        };
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Fact]
    public void BigDecimal_hashes_the_same_as_decimal_or_text()
    {
        DestinationTypeKind[] types = [DestinationTypeKind.BigDecimal];
        Assert.Equal(CanonicalValues.Hash([1.50m], types), CanonicalValues.Hash(["1.50"], types));
        Assert.NotEqual(CanonicalValues.Hash([1.50m], types), CanonicalValues.Hash([1.5m], types));
    }

    [Fact]
    public void Salted_hash_depends_on_the_salt()
    {
        var a = CanonicalValues.SaltedHash("alice@example.com", DestinationTypeKind.String, "salt-1"u8);
        var b = CanonicalValues.SaltedHash("alice@example.com", DestinationTypeKind.String, "salt-2"u8);
        Assert.NotEqual(a, b);
        Assert.Equal(a, CanonicalValues.SaltedHash("alice@example.com", DestinationTypeKind.String, "salt-1"u8));
        Assert.Matches("^[0-9a-f]{64}$", a);
    }

    [Fact]
    public void Unknown_types_are_refused() =>
        Assert.Throws<ArgumentException>(() => CanonicalValues.Hash([new object()]));
}
