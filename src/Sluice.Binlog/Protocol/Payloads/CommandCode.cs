namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>Command bytes of the client/server protocol used here.</summary>
public enum CommandCode : byte
{
    Quit = 0x01,
    Query = 0x03,
    Ping = 0x0E,
    BinlogDump = 0x12,
    RegisterSlave = 0x15,
    BinlogDumpGtid = 0x1E,
}
