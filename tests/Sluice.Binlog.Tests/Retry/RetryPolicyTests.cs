using Sluice.Binlog.Retry;
using Xunit;

namespace Sluice.Binlog.Tests.Retry;

public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), 0.2);

    [Theory]
    [InlineData(1, 0.5, 100)]
    [InlineData(2, 0.5, 200)]
    [InlineData(3, 0.5, 400)]
    [InlineData(5, 0.5, 1600)]
    [InlineData(6, 0.5, 2000)]
    [InlineData(1000, 0.5, 2000)]
    [InlineData(0, 0.5, 100)]
    [InlineData(1, 0.0, 80)]
    [InlineData(1, 1.0, 120)]
    [InlineData(6, 0.0, 1600)]
    [InlineData(6, 1.0, 2400)]
    public void Delay_doubles_up_to_the_maximum_with_jitter(int failures, double draw, double expectedMs) =>
        Assert.Equal(expectedMs, Policy.Delay(failures, draw).TotalMilliseconds, 6);

    [Fact]
    public void Random_delays_stay_within_the_jitter_band()
    {
        for (var i = 0; i < 1000; i++)
        {
            var ms = Policy.Delay(3).TotalMilliseconds;
            Assert.InRange(ms, 320, 480);
        }
    }

    [Fact]
    public void A_maximum_below_the_initial_delay_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => new RetryPolicy(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)).Delay(1, 0.5));
}
