namespace Sluice.Actors.Connector;

/// <summary>
/// Row changes per second from a growing counter, sampled at least <see cref="Window"/> apart: pure and immutable.
/// </summary>
public sealed record RateMeter
{
    /// <summary>The shortest time between two samples the rate is computed from.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    public static RateMeter Empty { get; } = new();

    /// <summary>The last sample: when, and the counter's value.</summary>
    public (DateTimeOffset At, long Count)? Sample { get; init; }

    /// <summary>The rate between the last two samples (never negative: a counter that restarts reads as 0).</summary>
    public double PerSecond { get; init; }

    /// <summary>Records <paramref name="count"/> at <paramref name="now"/>.</summary>
    public RateMeter Observe(DateTimeOffset now, long count)
    {
        if (Sample is not { } last) return this with { Sample = (now, count) };
        if (now - last.At < Window) return this;
        var rate = (count - last.Count) / (now - last.At).TotalSeconds;
        return new RateMeter { Sample = (now, count), PerSecond = rate < 0 ? 0 : rate };
    }
}
