using Sluice.Actors.Connector;

namespace Sluice.Actors.Tests.Connector;

public sealed class RateMeterTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_rate_is_the_counters_growth_between_samples_at_least_a_second_apart()
    {
        var meter = RateMeter.Empty.Observe(T0, 100);
        Assert.Equal(0, meter.PerSecond);
        meter = meter.Observe(T0.AddMilliseconds(500), 10_000);
        Assert.Equal(0, meter.PerSecond);
        Assert.Equal((T0, 100L), meter.Sample);
        meter = meter.Observe(T0.AddSeconds(2), 1_100);
        Assert.Equal(500, meter.PerSecond);
        Assert.Equal((T0.AddSeconds(2), 1_100L), meter.Sample);
    }

    [Fact]
    public void A_counter_that_restarts_reads_as_zero()
    {
        var meter = RateMeter.Empty.Observe(T0, 1_000).Observe(T0.AddSeconds(1), 10);
        Assert.Equal(0, meter.PerSecond);
    }
}
