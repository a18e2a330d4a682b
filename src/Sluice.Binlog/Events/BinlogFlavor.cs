namespace Sluice.Binlog.Events;

/// <summary>Which server wrote the binlog; a few TABLE_MAP metadata rules differ.</summary>
public enum BinlogFlavor
{
    MySql,
    MariaDb,
}
