using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sluice.Replication.Secrets;

namespace Sluice.Cli.Sync;

public enum LineFormat
{
    /// <summary>One JSON object per line: <c>{"ts":"...","level":"info","category":"...","message":"...",...}</c>.</summary>
    Json,
    /// <summary>One text line: <c>2025-01-02T03:04:05.678Z info  message</c>.</summary>
    Text,
}

/// <summary>
/// Writes log records (and <c>sluice sync</c>'s status records) as single lines to one <see cref="TextWriter"/>, with
/// every secret scrubbed (<see cref="Redaction.Scrub"/>): <c>Password=...</c> pairs and the literal passwords
/// of the connection strings in use.
/// </summary>
public sealed class LineLogWriter(TextWriter output, LineFormat format, IReadOnlyCollection<string> secrets, TimeProvider? clock = null)
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public LineFormat Format { get; } = format;

    public string Scrub(string text) => Redaction.Scrub(text, secrets);

    /// <summary>Writes one record: <paramref name="fields"/> become JSON properties (or <c>key=value</c> pairs in text).</summary>
    public void Write(string level, string category, string message, IEnumerable<KeyValuePair<string, object?>>? fields = null, Exception? exception = null)
    {
        var ts = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string line;
        if (Format == LineFormat.Json)
        {
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("ts", ts);
                json.WriteString("level", level);
                json.WriteString("category", category);
                json.WriteString("message", Scrub(message));
                foreach (var (key, value) in fields ?? [])
                {
                    if (key is "{OriginalFormat}" or "ts" or "level" or "category" or "message") continue;
                    json.WritePropertyName(key);
                    WriteValue(json, value);
                }
                if (exception is not null) json.WriteString("error", Scrub($"{ScrubbedException.TypeNameOf(exception)}: {exception.Message}"));
                json.WriteEndObject();
            }
            line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        else
        {
            var sb = new StringBuilder().Append(ts).Append(' ').Append(level.PadRight(5)).Append(' ').Append(Scrub(message));
            if (exception is not null) sb.Append(" (").Append(Scrub($"{ScrubbedException.TypeNameOf(exception)}: {exception.Message}")).Append(')');
            line = sb.ToString();
        }
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(Scrub(s)); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(Math.Round(d, 3)); break;
            case double: json.WriteNullValue(); break;
            case decimal m: json.WriteNumberValue(m); break;
            case TimeSpan t: json.WriteNumberValue(Math.Round(t.TotalSeconds, 3)); break;
            case DateTimeOffset dto: json.WriteStringValue(dto.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)); break;
            case IEnumerable<KeyValuePair<string, object?>> obj:
                json.WriteStartObject();
                foreach (var (k, v) in obj)
                {
                    json.WritePropertyName(k);
                    WriteValue(json, v);
                }
                json.WriteEndObject();
                break;
            case System.Collections.IEnumerable list and not string:
                json.WriteStartArray();
                foreach (var item in list) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(Scrub(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")); break;
        }
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "fatal",
        _ => "none",
    };
}

/// <summary>An <see cref="ILoggerProvider"/> over <see cref="LineLogWriter"/>.</summary>
public sealed class LineLoggerProvider(LineLogWriter writer, LogLevel minimum, Action<LogLevel, string>? observer = null) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LineLogger(writer, categoryName, minimum, observer);

    public void Dispose()
    {
    }

    private sealed class LineLogger(LineLogWriter writer, string category, LogLevel minimum, Action<LogLevel, string>? observer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            var fields = new List<KeyValuePair<string, object?>>();
            if (eventId.Name is { Length: > 0 } name) fields.Add(new("event", name));
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs) fields.AddRange(pairs);
            writer.Write(LineLogWriter.LevelName(logLevel), category, message, fields, exception);
            observer?.Invoke(logLevel, writer.Scrub(message));
        }
    }
}
