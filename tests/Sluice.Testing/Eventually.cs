namespace Sluice.Testing;

/// <summary>
/// Waits for a condition by polling it until a deadline, for tests outside an Akka TestKit (whose
/// <c>AwaitConditionAsync</c> does the same): never a fixed sleep standing in for synchronisation.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what()}");
            await Task.Delay(PollInterval);
        }
    }
}
