namespace Sluice.Binlog.Retry;

/// <summary>
/// Sluice's one retry policy: exponential backoff with jitter. The n-th consecutive failure (1-based) waits
/// <c>min(Initial * 2^(n-1), Max)</c>, scaled by a random factor in [1 - Jitter, 1 + Jitter] so that many connectors
/// (or nodes) that failed together do not retry together. Immutable; <see cref="Delay"/> is thread-safe.
/// </summary>
/// <param name="Initial">The delay after the first failure.</param>
/// <param name="Max">The longest delay, before jitter.</param>
/// <param name="Jitter">The relative spread, 0 to 1 (0.2 means ±20%).</param>
public sealed record RetryPolicy(TimeSpan Initial, TimeSpan Max, double Jitter = 0.2)
{
    /// <summary>The default for source connections, pipelines and snapshots: 0.5 s doubling to 30 s, ±20%.</summary>
    public static RetryPolicy Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    /// <summary>The delay before retry number <paramref name="failures"/> (1 after the first failure).</summary>
    public TimeSpan Delay(int failures) => Delay(failures, Random.Shared.NextDouble());

    /// <summary>As <see cref="Delay(int)"/> with the random draw given (0 to 1), for tests.</summary>
    public TimeSpan Delay(int failures, double draw)
    {
        if (Initial < TimeSpan.Zero || Max < Initial) throw new InvalidOperationException($"retry policy: need 0 <= Initial <= Max (got {Initial}, {Max})");
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var ms = Math.Min(Initial.TotalMilliseconds * Math.Pow(2, exponent), Max.TotalMilliseconds);
        var jitter = Math.Clamp(Jitter, 0, 1);
        var factor = 1 - jitter + 2 * jitter * Math.Clamp(draw, 0, 1);
        return TimeSpan.FromMilliseconds(ms * factor);
    }
}
