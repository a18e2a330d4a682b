using System.Text;
using System.Text.Json;
using Sluice.Binlog.Values;
using Sluice.Cli.Binlog;

namespace Sluice.Cli.Tests.Binlog;

public sealed class ValueJsonTests
{
    private static string Json(object? value)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) ValueJson.Write(w, value);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Zero_and_partially_zero_dates_print_null()
    {
        Assert.Equal("null", Json(new MySqlDate(0, 0, 0)));
        Assert.Equal("null", Json(new MySqlDate(2020, 0, 15)));
        Assert.Equal("null", Json(new MySqlDate(2020, 5, 0)));
        Assert.Equal("\"2020-05-15\"", Json(new MySqlDate(2020, 5, 15)));
        Assert.Equal("null", Json(new MySqlDateTime(2020, 5, 0, 10, 0, 0, 0, 0)));
        Assert.Equal("null", Json(new MySqlDateTime(0, 0, 0, 0, 0, 0, 0, 0)));
        Assert.Equal("\"2020-05-01T10:00:00\"", Json(new MySqlDateTime(2020, 5, 1, 10, 0, 0, 0, 0)));
    }
}
