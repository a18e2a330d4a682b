using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Sluice.Cli.Sync;

/// <summary>
/// Status lines for services (<c>--log-format json|text</c>): one <c>status</c> record per interval, and each notable
/// connector event (<c>forced_resync_table</c>, <c>position_lost</c>, ...) logged once as a warning.
/// </summary>
public sealed class StatusReporter(LineLogWriter writer, ILogger log)
{
    private int _eventsSeen;

    public void Report(SyncStatusView status)
    {
        ReportEvents(status);
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("event", "status"),
            new("phase", status.Phase),
            new("position", status.Position),
            new("lagSeconds", status.Lag),
            new("rowChangesPerSecond", status.RowChangesPerSecond),
            new("tables", status.Tables.Select(t => (object?)new KeyValuePair<string, object?>[]
            {
                new("table", t.Table), new("state", t.State), new("rowsCopied", t.RowsCopied), new("rowsEstimated", t.RowsEstimated),
                new("error", t.LastError),
            }).ToList()),
        };
        if (status.LastError is not null) fields.Add(new("lastError", status.LastError));
        writer.Write("info", "Sluice.Cli.Sync", Summary(status), fields);
    }

    public void ReportEvents(SyncStatusView status)
    {
        // Events only grow; when the engine trims its list, only the tail is new.
        var events = status.Events;
        if (events.Count < _eventsSeen) _eventsSeen = 0;
        for (var i = _eventsSeen; i < events.Count; i++) log.LogWarning("connector event: {ConnectorEvent}", events[i]);
        _eventsSeen = events.Count;
    }

    /// <summary>One human line: <c>streaming at f:123, lag 0.4 s, 5,100 changes/s; 3 streaming, 1 snapshotting (42%)</c>.</summary>
    public static string Summary(SyncStatusView status)
    {
        var parts = new List<string> { status.Phase };
        if (status.Position is not null) parts[0] += " at " + status.Position;
        if (status.Lag is { } lag) parts.Add(string.Create(CultureInfo.InvariantCulture, $"lag {lag.TotalSeconds:0.0} s"));
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"{status.RowChangesPerSecond:N0} changes/s"));
        var line = string.Join(", ", parts);
        if (status.Tables.Count > 0)
        {
            var byState = status.Tables.GroupBy(t => t.State).Select(g =>
            {
                if (g.Key != "snapshotting") return $"{g.Count()} {g.Key}";
                var copied = g.Sum(t => t.RowsCopied);
                var estimated = g.Sum(t => t.RowsEstimated ?? 0);
                return estimated > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{g.Count()} snapshotting ({Math.Min(99, 100.0 * copied / estimated):0}%)")
                    : $"{g.Count()} snapshotting";
            });
            line += "; tables: " + string.Join(", ", byState);
        }
        if (status.LastError is not null) line += "; last error: " + status.LastError;
        return line;
    }
}
