using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Sluice.Cli.Sync;

/// <summary>The live terminal display of <c>sluice sync</c>: phase, position, lag, rows/s and per-table progress.</summary>
public static class SyncDisplay
{
    public static async Task ShowAsync(TextWriter output, Func<SyncStatusView> status, RecentMessages recent, Task run, bool once,
        CancellationToken stopping)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        await console.Live(Render(status(), recent.Snapshot(), once, stopping.IsCancellationRequested))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(250, CancellationToken.None));
                    context.UpdateTarget(Render(status(), recent.Snapshot(), once, stopping.IsCancellationRequested));
                }
                context.UpdateTarget(Render(status(), recent.Snapshot(), once, stopping.IsCancellationRequested));
            });
    }

    public static IRenderable Render(SyncStatusView status, IReadOnlyList<string> recent, bool once, bool stopping)
    {
        var header = new Grid().AddColumn().AddColumn();
        var phase = stopping ? "stopping…" : status.Phase;
        header.AddRow(new Markup("[bold]phase[/]"), new Markup(Markup.Escape(phase) + (once ? " [grey](--once)[/]" : "")));
        header.AddRow(new Markup("[bold]position[/]"), new Markup(Markup.Escape(status.Position ?? "-")));
        header.AddRow(new Markup("[bold]lag[/]"), new Markup(status.Lag is { } lag
            ? string.Create(CultureInfo.InvariantCulture, $"{lag.TotalSeconds:0.0} s")
            : "-"));
        header.AddRow(new Markup("[bold]changes/s[/]"), new Markup(status.RowChangesPerSecond.ToString("N0", CultureInfo.InvariantCulture)));
        if (status.LastError is not null) header.AddRow(new Markup("[bold red]error[/]"), new Markup("[red]" + Markup.Escape(status.LastError) + "[/]"));

        var table = new Table().Border(TableBorder.Simple).Expand();
        table.AddColumn("table");
        table.AddColumn("state");
        table.AddColumn(new TableColumn("rows copied").RightAligned());
        table.AddColumn(new TableColumn("progress").NoWrap());
        const int maxRows = 30;
        foreach (var t in status.Tables.OrderBy(t => t.State == "streaming" ? 1 : 0).ThenBy(t => t.Table, StringComparer.Ordinal).Take(maxRows))
        {
            var color = t.State switch
            {
                "streaming" => "green",
                "snapshotting" => "yellow",
                "resyncing" or "needs_resync" => "orange1",
                "failed" => "red",
                _ => "grey",
            };
            table.AddRow(
                new Markup(Markup.Escape(t.Table)),
                new Markup($"[{color}]{Markup.Escape(t.State)}[/]"),
                new Markup(t.RowsCopied.ToString("N0", CultureInfo.InvariantCulture)),
                new Markup(ProgressBar(t)));
        }
        if (status.Tables.Count > maxRows) table.AddRow(new Markup($"[grey]… {status.Tables.Count - maxRows} more[/]"), Text.Empty, Text.Empty, Text.Empty);

        var rows = new List<IRenderable> { header, table };
        var notes = status.Events.TakeLast(5).Concat(recent.TakeLast(5)).ToList();
        if (notes.Count > 0)
        {
            rows.Add(new Rule("[grey]events[/]").LeftJustified());
            foreach (var note in notes) rows.Add(new Markup("[grey]" + Markup.Escape(note) + "[/]"));
        }
        return new Panel(new Rows(rows)).Header("[bold]sluice sync[/]").Expand();
    }

    private const int Bar = 14;

    private static string ProgressBar(SyncTableView t)
    {
        if (t.State == "streaming") return "[green]" + new string('█', Bar) + "[/] done";
        if (t.RowsEstimated is not { } estimated || estimated <= 0) return t.State == "pending" ? "" : "…";
        var fraction = Math.Clamp((double)t.RowsCopied / estimated, 0, 0.99);
        var filled = (int)(fraction * Bar);
        return string.Create(CultureInfo.InvariantCulture, $"[yellow]{new string('█', filled)}[/][grey]{new string('░', Bar - filled)}[/] {fraction * 100:0}%");
    }
}
