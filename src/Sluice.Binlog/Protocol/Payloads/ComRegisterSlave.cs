namespace Sluice.Binlog.Protocol.Payloads;

/// <summary>COM_REGISTER_SLAVE: announces this client as a replica (shown by SHOW SLAVE HOSTS).</summary>
public sealed record ComRegisterSlave(uint ServerId, string HostName = "", string User = "", string Password = "", ushort Port = 0)
{
    public byte[] ToPayload()
    {
        var w = new PayloadWriter(32).WriteByte((byte)CommandCode.RegisterSlave).WriteUInt32(ServerId);
        WriteShortString(w, HostName);
        WriteShortString(w, User);
        WriteShortString(w, Password);
        return w.WriteUInt16(Port).WriteUInt32(0 /* replication rank */).WriteUInt32(0 /* master id */).ToArray();
    }

    private static void WriteShortString(PayloadWriter w, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        if (bytes.Length > 255) throw new ArgumentException($"'{value}' is longer than 255 bytes");
        w.WriteByte((byte)bytes.Length).WriteBytes(bytes);
    }

    public override string ToString() => $"ComRegisterSlave {{ ServerId = {ServerId}, HostName = {HostName}, User = {User}, Port = {Port} }}";
}
