using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Sluice.Replication.Secrets;

/// <summary>
/// Wraps any <see cref="ILoggerProvider"/> (the console, the line logger of <c>sluice sync</c>) so that no secret reaches
/// it: the formatted message, every structured field and the exception (message and stack text) pass through
/// <see cref="Redaction.Scrub"/> with the process's <see cref="SecretSet"/> first. <c>sluice sync</c> and
/// <c>sluice serve</c> both log through it.
/// </summary>
public sealed class ScrubbingLoggerProvider(ILoggerProvider inner, SecretSet secrets) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => new ScrubbingLogger(inner.CreateLogger(categoryName), secrets);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped) scoped.SetScopeProvider(scopeProvider);
    }

    public void Dispose() => inner.Dispose();

    private sealed class ScrubbingLogger(ILogger inner, SecretSet secrets) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            var message = secrets.Scrub(formatter(state, exception));
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Select(p => new KeyValuePair<string, object?>(p.Key, ScrubValue(p.Value, secrets))).ToList()
                : [];
            var scrubbed = exception is null ? null : new ScrubbedException(exception, secrets);
            inner.Log(logLevel, eventId, new ScrubbedState(message, fields), scrubbed, static (s, _) => s.Message);
        }
    }

    /// <summary>A field value with its secrets masked: numbers, booleans, times and enums as they are; text scrubbed.</summary>
    internal static object? ScrubValue(object? value, SecretSet secrets) => value switch
    {
        null => null,
        string s => secrets.Scrub(s),
        bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => value,
        DateTime or DateTimeOffset or TimeSpan or Guid or Enum => value,
        IEnumerable<KeyValuePair<string, object?>> obj => obj.Select(p => new KeyValuePair<string, object?>(p.Key, ScrubValue(p.Value, secrets))).ToList(),
        IEnumerable list => list.Cast<object?>().Select(item => ScrubValue(item, secrets)).ToList(),
        _ => secrets.Scrub(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>The state handed on: the scrubbed message and fields (what structured formatters read).</summary>
    private sealed class ScrubbedState(string message, IReadOnlyList<KeyValuePair<string, object?>> fields) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;

        public KeyValuePair<string, object?> this[int index] => fields[index];

        public int Count => fields.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => fields.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}

/// <summary>
/// An exception as a logger may print it, with every secret masked: its message, its text (<see cref="ToString"/>,
/// which formatters print: type, message, inner exceptions, stack) and its stack trace. <see cref="TypeName"/> is the
/// original exception's type name.
/// </summary>
public sealed class ScrubbedException : Exception
{
    private readonly string _text;
    private readonly string? _stackTrace;

    public ScrubbedException(Exception original, SecretSet secrets)
        : base(secrets.Scrub(original.Message))
    {
        TypeName = original.GetType().Name;
        _text = secrets.Scrub(original.ToString());
        _stackTrace = original.StackTrace is { } stack ? secrets.Scrub(stack) : null;
        HResult = original.HResult;
    }

    public ScrubbedException()
    {
        TypeName = nameof(ScrubbedException);
        _text = "";
    }

    public ScrubbedException(string message)
        : base(message)
    {
        TypeName = nameof(ScrubbedException);
        _text = message;
    }

    public ScrubbedException(string message, Exception innerException)
        : base(message, innerException)
    {
        TypeName = nameof(ScrubbedException);
        _text = message;
    }

    /// <summary>The type name of the exception that was scrubbed.</summary>
    public string TypeName { get; }

    public override string? StackTrace => _stackTrace;

    public override string ToString() => _text;

    /// <summary>The type name to print for <paramref name="exception"/> (the original's when it was scrubbed).</summary>
    public static string TypeNameOf(Exception exception) => exception is ScrubbedException s ? s.TypeName : exception.GetType().Name;
}
