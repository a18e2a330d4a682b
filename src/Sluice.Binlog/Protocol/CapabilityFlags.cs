namespace Sluice.Binlog.Protocol;

/// <summary>Client/server capability flags of the MySQL protocol (the lower 32 bits).</summary>
[Flags]
public enum CapabilityFlags : uint
{
    None = 0,
    LongPassword = 0x1,
    FoundRows = 0x2,
    LongFlag = 0x4,
    ConnectWithDb = 0x8,
    NoSchema = 0x10,
    Compress = 0x20,
    Odbc = 0x40,
    LocalFiles = 0x80,
    IgnoreSpace = 0x100,
    Protocol41 = 0x200,
    Interactive = 0x400,
    Ssl = 0x800,
    IgnoreSigpipe = 0x1000,
    Transactions = 0x2000,
    Reserved = 0x4000,
    SecureConnection = 0x8000,
    MultiStatements = 0x10000,
    MultiResults = 0x20000,
    PsMultiResults = 0x40000,
    PluginAuth = 0x80000,
    ConnectAttrs = 0x100000,
    PluginAuthLenencClientData = 0x200000,
    CanHandleExpiredPasswords = 0x400000,
    SessionTrack = 0x800000,
    DeprecateEof = 0x1000000,
}

/// <summary>Server status flags carried by OK and EOF payloads.</summary>
[Flags]
public enum ServerStatusFlags : ushort
{
    None = 0,
    InTransaction = 0x1,
    AutoCommit = 0x2,
    MoreResultsExist = 0x8,
    NoGoodIndexUsed = 0x10,
    NoIndexUsed = 0x20,
    CursorExists = 0x40,
    LastRowSent = 0x80,
    DatabaseDropped = 0x100,
    NoBackslashEscapes = 0x200,
    MetadataChanged = 0x400,
    QueryWasSlow = 0x800,
    PsOutParams = 0x1000,
    InReadOnlyTransaction = 0x2000,
    SessionStateChanged = 0x4000,
}
