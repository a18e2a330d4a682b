using System.Globalization;

namespace Sluice.Binlog.Events;

/// <summary>Where an event being decoded came from, for error messages.</summary>
internal readonly record struct EventContext(EventHeader Header, long? Position, string? Within = null)
{
    public static string TypeName(BinlogEventType type) =>
        Enum.IsDefined(type)
            ? $"{type} ({((byte)type).ToString(CultureInfo.InvariantCulture)})"
            : $"type {((byte)type).ToString(CultureInfo.InvariantCulture)}";

    public string Describe()
    {
        var where = Position is { } p
            ? $"at position {p.ToString(CultureInfo.InvariantCulture)}"
            : $"with log_pos {Header.NextPosition.ToString(CultureInfo.InvariantCulture)}";
        return $"{TypeName(Header.EventType)} event {where}{(Within is null ? "" : " " + Within)}";
    }

    private const string ContextKey = "Sluice.Binlog.EventContext";

    /// <summary>A <see cref="BinlogFormatException"/> naming this event; marked so outer handlers do not wrap it again.</summary>
    public BinlogFormatException Error(string what, Exception? inner = null)
    {
        var e = new BinlogFormatException($"{what} in {Describe()}", inner);
        e.Data[ContextKey] = true;
        return e;
    }

    public static bool HasContext(Exception e) => e.Data.Contains(ContextKey);

    public static T Mark<T>(T e) where T : Exception
    {
        e.Data[ContextKey] = true;
        return e;
    }
}
