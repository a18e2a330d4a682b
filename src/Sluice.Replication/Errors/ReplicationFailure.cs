namespace Sluice.Replication.Errors;

/// <summary>How a failure is handled: retried by itself, or reported because it needs the user.</summary>
public enum FailureKind
{
    /// <summary>Goes away by itself (a lost connection, a restarting server): retried with the retry policy.</summary>
    Transient,

    /// <summary>
    /// Needs the user (a conflicting destination table, a full disk, a refused login, an unwritable state store):
    /// a <c>--once</c> run fails with the message; a streaming run shows it in its status and retries with backoff.
    /// </summary>
    NeedsAction,
}

/// <summary>
/// A failure that needs the user to act. Its message is one line that names the thing and the fix; it is shown as it is,
/// without a stack trace.
/// </summary>
public class ReplicationActionRequiredException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The one classification of failures, used by every retry decision.</summary>
public static class ReplicationFailure
{
    /// <summary>
    /// <see cref="FailureKind.NeedsAction"/> when <paramref name="error"/> or one of its inner exceptions is a
    /// <see cref="ReplicationActionRequiredException"/>, else <see cref="FailureKind.Transient"/>.
    /// </summary>
    public static FailureKind Classify(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is ReplicationActionRequiredException) return FailureKind.NeedsAction;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(i => Classify(i) == FailureKind.NeedsAction))
            {
                return FailureKind.NeedsAction;
            }
        }
        return FailureKind.Transient;
    }
}
