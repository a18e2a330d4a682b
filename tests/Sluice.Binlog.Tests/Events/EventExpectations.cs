using System.Text.Json;
using Sluice.Binlog.Events;
using Sluice.Binlog.Values;

namespace Sluice.Binlog.Tests.Events;

/// <summary>Compares a decoded event with a vector's "expected" object, key by key (unknown keys are ignored).</summary>
internal static class EventExpectations
{
    public static void Check(BinlogEvent ev, JsonElement expected)
    {
        if (expected.ValueKind != JsonValueKind.Object) return;
        if (expected.Has("type_code", out var tc)) Assert.Equal(tc.GetInt32(), (int)ev.Header.EventType);
        if (expected.Has("event_size", out var size)) Assert.Equal(size.GetUInt32(), ev.Header.EventSize);

        switch (ev)
        {
            case RandEvent rand:
                Assert.Equal(expected.GetProperty("seed1").GetUInt64(), rand.Seed1);
                Assert.Equal(expected.GetProperty("seed2").GetUInt64(), rand.Seed2);
                break;
            case UserVarEvent uv:
                Assert.Equal(expected.GetProperty("name").GetString(), uv.Name);
                Assert.Equal(expected.GetProperty("is_null").GetBoolean(), uv.IsNull);
                Assert.Equal(expected.GetProperty("value_type").GetInt32(), (int?)uv.Type);
                Assert.Equal(expected.GetProperty("collation").GetInt32(), uv.CollationId);
                Assert.Equal(expected.GetProperty("value").GetString(), uv.Value);
                break;
            case FormatDescriptionEvent fde:
                if (expected.Has("server_version", out var sv)) Assert.Equal(sv.GetString(), fde.ServerVersion);
                if (expected.Has("binlog_version", out var bv)) Assert.Equal(bv.GetInt32(), fde.BinlogVersion);
                if (expected.Has("header_length", out var hl)) Assert.Equal(hl.GetInt32(), fde.HeaderLength);
                if (expected.Has("checksum_alg", out var alg)) Assert.Equal(alg.GetInt32(), (int)fde.ChecksumAlgorithm);
                break;
            case TableMapEvent tm:
                if (expected.Has("schema", out var schema)) Assert.Equal(schema.GetString(), tm.Schema);
                if (expected.Has("table", out var table)) Assert.Equal(table.GetString(), tm.Table);
                if (expected.Has("column_types", out var types))
                    Assert.Equal(types.EnumerateArray().Select(t => t.GetInt32()), tm.ColumnTypes.Select(t => (int)t));
                break;
            case GtidEvent gtid:
                CheckMySqlGtid(gtid, expected);
                break;
            case QueryEvent q:
                if (expected.Has("database", out var db)) Assert.Equal(db.GetString(), q.Schema);
                if (expected.Has("sql", out var sql)) Assert.Equal(sql.GetString(), q.Sql);
                break;
            case MariaDbGtidEvent mg:
                if (expected.Has("domain_id", out var dom)) Assert.Equal(dom.GetUInt32(), mg.DomainId);
                if (expected.Has("server_id", out var srv)) Assert.Equal(srv.GetUInt32(), mg.Header.ServerId);
                if (expected.Has("seq_no", out var seq)) Assert.Equal(seq.GetUInt64(), mg.Sequence);
                if (expected.Has("has_begin", out var hb)) Assert.Equal(hb.GetBoolean(), !mg.IsStandalone);
                if (expected.Has("text", out var text)) Assert.Equal(text.GetString(), mg.Gtid.ToString());
                if (expected.Has("text_with_server_id_0", out var t0)) Assert.Equal(t0.GetString(), mg.Gtid.ToString());
                if (expected.Has("flags2", out var f2)) Assert.Equal(f2.GetInt32(), mg.Flags);
                if (expected.Has("is_ddl", out var ddl)) Assert.Equal(ddl.GetBoolean(), mg.IsDdl);
                if (expected.Has("is_standalone", out var sa)) Assert.Equal(sa.GetBoolean(), mg.IsStandalone);
                if (expected.Has("is_group_commit", out var gc)) Assert.Equal(gc.GetBoolean(), mg.HasGroupCommitId);
                if (expected.Has("commit_id", out var cid)) Assert.Equal(cid.GetUInt64(), mg.CommitId);
                break;
            case MariaDbGtidListEvent list:
                if (expected.Has("text", out var lt)) Assert.Equal(lt.GetString(), string.Join(",", list.Gtids));
                if (expected.Has("gtids", out var gtids))
                {
                    Assert.Equal(gtids.EnumerateArray().Select(g => (g.GetProperty("domain_id").GetUInt32(), g.GetProperty("server_id").GetUInt32(), g.GetProperty("seq_no").GetUInt64())),
                        list.Gtids.Select(g => (g.DomainId, g.ServerId, g.Sequence)));
                }
                break;
            case PreviousGtidsEvent prev:
                Assert.Equal(expected.GetProperty("gtid_set_text").GetString(), prev.GtidSet.ToString());
                break;
            case XaPrepareEvent xa:
                Assert.Equal(expected.GetProperty("one_phase").GetBoolean(), xa.OnePhase);
                Assert.Equal(expected.GetProperty("format_id").GetInt32(), xa.FormatId);
                Assert.Equal(expected.GetProperty("gtrid").GetString(), xa.GtridText);
                Assert.Equal(expected.GetProperty("bqual").GetString(), xa.BqualText);
                break;
            case IntVarEvent iv:
                Assert.Equal(expected.GetProperty("type").GetInt32(), (int)iv.Type);
                Assert.Equal(expected.GetProperty("value").GetUInt64(), iv.Value);
                break;
            case HeartbeatEvent hb2:
                Assert.Equal(expected.GetProperty("filename").GetString(), hb2.LogFileName);
                if (expected.GetProperty("offset").ValueKind == JsonValueKind.Number)
                    Assert.Equal(expected.GetProperty("offset").GetUInt64(), hb2.Position);
                else
                    Assert.Equal(hb2.Header.NextPosition, hb2.Position);
                break;
            case MariaDbAnnotateRowsEvent ar:
                Assert.Equal(expected.GetProperty("sql").GetString(), ar.Sql);
                break;
        }
    }

    private static void CheckMySqlGtid(GtidEvent gtid, JsonElement e)
    {
        if (e.Has("sid_uuid", out var sid)) Assert.Equal(Guid.Parse(sid.GetString()!), gtid.SourceId);
        if (e.Has("gno", out var gno)) Assert.Equal(gno.GetInt64(), gtid.Gno);
        if (e.Has("gtid", out var text)) Assert.Equal(text.GetString(), gtid.Gtid.ToString());
        if (e.Has("flags", out var flags)) Assert.Equal(flags.GetInt32(), gtid.Flags);
        if (e.Has("has_begin", out _)) Assert.False(gtid.IsAnonymous);
        // Fields the writer did not include are null here; upstream libraries show them as 0 (or 999999,
        // UNKNOWN_SERVER_VERSION, for server versions).
        AssertOptional(e, "last_committed", gtid.LastCommitted);
        AssertOptional(e, "sequence_number", gtid.SequenceNumber);
        AssertOptional(e, "immediate_commit_timestamp", (long?)gtid.ImmediateCommitTimestamp);
        AssertOptional(e, "original_commit_timestamp", (long?)gtid.OriginalCommitTimestamp);
        AssertOptional(e, "transaction_length", (long?)gtid.TransactionLength);
        AssertOptional(e, "immediate_server_version", gtid.ImmediateServerVersion, 999999);
        AssertOptional(e, "original_server_version", gtid.OriginalServerVersion, 999999);
    }

    private static void AssertOptional(JsonElement e, string name, long? actual, long absentAlternative = 0)
    {
        if (!e.Has(name, out var value)) return;
        var expected = value.GetInt64();
        if (actual is null) Assert.True(expected == 0 || expected == absentAlternative, $"{name}: expected {expected}, field absent");
        else Assert.Equal(expected, actual);
    }

    /// <summary>Renders a decoded cell as text comparable with the vectors' JSON values.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        byte[] b => Convert.ToHexString(b).ToLowerInvariant(),
        MySqlJson j => j.Text,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
