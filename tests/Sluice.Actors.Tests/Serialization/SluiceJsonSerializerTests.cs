using System.Runtime.Serialization;
using System.Text;
using Sluice.Actors.Connector;
using Sluice.Actors.Contracts;
using Sluice.Actors.Serialization;
using Sluice.Replication.Discovery;
using Sluice.Replication.Connectors;

namespace Sluice.Actors.Tests.Serialization;

/// <summary>
/// Stable serialization: every <see cref="ISluiceMessage"/> has a fixed manifest, and every persisted type has a stored
/// JSON file (golden/&lt;manifest&gt;.json) that must keep deserializing to the value below. A change that breaks a golden
/// file breaks existing journals: add a new field with a default instead, or a new event type.
/// To write the files of new types: <c>SLUICE_WRITE_GOLDEN=tests/Sluice.Actors.Tests/Serialization/golden dotnet test
/// --filter WriteMissingGoldenFiles</c> (it never overwrites an existing file).
/// </summary>
public sealed class SluiceJsonSerializerTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
    private static readonly TableId Orders = new("shop", "orders");

    private static readonly ConnectorDefinition Definition = new()
    {
        Id = "shop",
        SourceConnectionString = "Server=db;Port=3306;User ID=sluice;Password=secret",
        DestinationPath = "/data/shop.duckdb",
        IncludeSchemas = ["shop"],
        ExcludeTables = ["shop.audit_log"],
        IncludeColumns = ["shop.customers.id", "shop.customers.name"],
        HashedColumns = ["shop.customers.email"],
        ChunkSize = 5000,
        ParallelSnapshots = 3,
        ServerId = 4242,
        KillZombieConnections = false,
    };

    /// <summary>The expected value of each persisted type's golden file.</summary>
    public static IReadOnlyDictionary<Type, object> Expected { get; } = new Dictionary<Type, object>
    {
        [typeof(ConnectorInitialized)] = new ConnectorInitialized("f1ng3rpr1nt", "c2FsdA=="),
        [typeof(ConfigurationChanged)] = new ConfigurationChanged("n3wf1ng3rpr1nt", At),
        [typeof(StreamStartRecorded)] = new StreamStartRecorded("mysql-bin.000003:4567"),
        [typeof(TableAdded)] = new TableAdded(Orders, ["is_paid"], 1200),
        [typeof(TableSnapshotStarted)] = new TableSnapshotStarted(Orders, ["is_paid", "is_gift"], 1300),
        [typeof(ChunkCommitted)] = new ChunkCommitted(Orders, "i:1000", 1000),
        [typeof(TableSnapshotCompleted)] = new TableSnapshotCompleted(Orders, 1234),
        [typeof(TableResyncRequested)] = new TableResyncRequested(Orders, "ALTER TABLE changed the primary key", At),
        [typeof(TableRemoved)] = new TableRemoved(Orders, "dropped at the source", At),
        [typeof(CheckpointAdvanced)] = new CheckpointAdvanced("mysql-bin.000004:120;0-1-77"),
        [typeof(PositionLost)] = new PositionLost("mysql-bin.000001:4", "mysql-bin.000009:4", "the binlog was purged", At),
        [typeof(ConnectorState)] = ConnectorState.Empty
            .Apply(new ConnectorInitialized("f1ng3rpr1nt", "c2FsdA=="))
            .Apply(new StreamStartRecorded("mysql-bin.000003:4567"))
            .Apply(new TableAdded(Orders, ["is_paid"], 1200))
            .Apply(new ChunkCommitted(Orders, "i:1000", 1000))
            .Apply(new TableAdded(new TableId("shop", "customers"), [], 50))
            .Apply(new TableResyncRequested(new TableId("shop", "customers"), "ALTER TABLE", At))
            .Apply(new CheckpointAdvanced("mysql-bin.000004:120")),
        [typeof(ConnectorDefined)] = new ConnectorDefined(Definition, 2, At),
        [typeof(ConnectorPaused)] = new ConnectorPaused(At),
        [typeof(ConnectorResumed)] = new ConnectorResumed(At),
        [typeof(ConnectorDeleted)] = new ConnectorDeleted(At),
        [typeof(ConnectorEntityState)] = new ConnectorEntityState(Definition, 2, true, false),
    };

    /// <summary>Types written to journals or snapshot stores.</summary>
    public static IEnumerable<Type> PersistedTypes() =>
        typeof(ISluiceMessage).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false }
                && (typeof(IConnectorEvent).IsAssignableFrom(t) || typeof(IConnectorEntityEvent).IsAssignableFrom(t)
                    || t == typeof(ConnectorState) || t == typeof(ConnectorEntityState)));

    public static TheoryData<string> PersistedManifests()
    {
        var data = new TheoryData<string>();
        foreach (var type in PersistedTypes()) data.Add(SluiceManifests.Of(type));
        return data;
    }

    private static string GoldenDirectory => Path.Combine(AppContext.BaseDirectory, "Serialization", "golden");

    [Fact]
    public void Every_message_type_has_a_manifest_and_manifests_are_distinct()
    {
        var messageTypes = typeof(ISluiceMessage).Assembly.GetTypes()
            .Where(t => typeof(ISluiceMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();
        Assert.NotEmpty(messageTypes);
        var missing = messageTypes.Where(t => !SluiceManifests.All.ContainsKey(t)).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0, "no manifest in SluiceManifests for: " + string.Join(", ", missing));
        Assert.Equal(SluiceManifests.All.Count, SluiceManifests.All.Values.Distinct(StringComparer.Ordinal).Count());
        Assert.All(SluiceManifests.All.Values, m => Assert.InRange(m.Length, 1, 16));
    }

    [Fact]
    public void Every_persisted_type_has_an_expected_value_and_a_golden_file()
    {
        var types = PersistedTypes().ToList();
        Assert.Equal(17, types.Count);
        var noValue = types.Where(t => !Expected.ContainsKey(t)).Select(t => t.Name).ToList();
        Assert.True(noValue.Count == 0, "no expected value in SluiceJsonSerializerTests.Expected for: " + string.Join(", ", noValue));
        var noFile = types.Where(t => !File.Exists(Path.Combine(GoldenDirectory, SluiceManifests.Of(t) + ".json"))).Select(t => t.Name).ToList();
        Assert.True(noFile.Count == 0, "no golden JSON file for: " + string.Join(", ", noFile) + " (see the class comment to write them)");
    }

    [Theory]
    [MemberData(nameof(PersistedManifests))]
    public void Golden_file_still_deserializes_to_the_expected_value(string manifest)
    {
        var type = SluiceManifests.TypeOf(manifest);
        var path = Path.Combine(GoldenDirectory, manifest + ".json");
        Assert.True(File.Exists(path), $"golden file {manifest}.json is missing");
        var value = SluiceJsonSerializer.Deserialize(File.ReadAllBytes(path), manifest);
        Assert.IsType(type, value);
        AssertSameValue(Expected[type], value);
    }

    [Theory]
    [MemberData(nameof(PersistedManifests))]
    public void Journals_written_with_type_name_manifests_are_still_read(string manifest)
    {
        var type = SluiceManifests.TypeOf(manifest);
        var bytes = File.ReadAllBytes(Path.Combine(GoldenDirectory, manifest + ".json"));
        var value = SluiceJsonSerializer.Deserialize(bytes, type.Name);
        AssertSameValue(Expected[type], value);
    }

    [Fact]
    public void Events_stored_by_an_earlier_version_under_type_name_manifests_still_load()
    {
        // Written before the fixed manifests and the unified definition: manifest = type name, MaxParallelSnapshots.
        var legacy = Path.Combine(GoldenDirectory, "legacy");
        var defined = Assert.IsType<ConnectorDefined>(
            SluiceJsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(legacy, "ConnectorDefined.json")), "ConnectorDefined"));
        Assert.Equal(1, defined.Incarnation);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), defined.At);
        Assert.Equal("shop", defined.Definition.Id);
        Assert.Equal(5, defined.Definition.ParallelSnapshots);
        Assert.Equal(500, defined.Definition.ChunkSize);
        Assert.Equal(["shop.orders"], defined.Definition.IncludeTables!);
        Assert.Equal(["shop.orders.card"], defined.Definition.HashedColumns!);
        Assert.False(defined.Definition.KillZombieConnections);
        Assert.Empty(defined.Definition.Validate());

        var added = Assert.IsType<TableAdded>(
            SluiceJsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(legacy, "TableAdded.json")), "TableAdded"));
        Assert.Equal(Orders, added.Table);
        Assert.Equal(["is_paid"], added.BooleanColumns);
        Assert.Equal(1200, added.RowsEstimated);
    }

    [Fact]
    public void Manifests_are_short_fixed_strings_not_type_names()
    {
        Assert.Equal("ce.t.add", SluiceManifests.Of(typeof(TableAdded)));
        Assert.Equal("cs", SluiceManifests.Of(typeof(ConnectorState)));
        Assert.Equal("ee.def", SluiceManifests.Of(typeof(ConnectorDefined)));
        Assert.Equal("m.def", SluiceManifests.Of(typeof(DefineConnector)));
    }

    [Fact]
    public void An_unknown_manifest_is_one_clear_error()
    {
        var ex = Assert.Throws<SerializationException>(() => SluiceJsonSerializer.Deserialize("{}"u8.ToArray(), "zz.nope"));
        Assert.Contains("unknown Sluice message manifest 'zz.nope'", ex.Message);
    }

    [Fact]
    public void A_type_without_manifest_is_named()
    {
        var ex = Assert.Throws<SerializationException>(() => SluiceJsonSerializer.Serialize(new NotRegistered(1)));
        Assert.Contains(nameof(NotRegistered), ex.Message);
        Assert.Contains(nameof(SluiceManifests), ex.Message);
    }

    [Fact]
    public void Cross_node_messages_round_trip()
    {
        object[] messages =
        [
            new DefineConnector("shop", Definition, CreateOnly: true),
            new ResyncConnector("shop", "shop.orders"),
            new ConnectorCommandResult("shop", "created", "connector shop created"),
            new GetConnectorStatus("shop"),
        ];
        foreach (var message in messages)
        {
            var back = SluiceJsonSerializer.Deserialize(SluiceJsonSerializer.Serialize(message), SluiceManifests.Of(message.GetType()));
            AssertSameValue(message, back);
        }
    }

    [Fact]
    public void Golden_state_holds_the_fields_row_by_row()
    {
        var state = (ConnectorState)SluiceJsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(GoldenDirectory, "cs.json")), "cs");
        Assert.Equal("f1ng3rpr1nt", state.Fingerprint);
        Assert.Equal("c2FsdA==", state.Salt);
        Assert.Equal("mysql-bin.000003:4567", state.StreamStart);
        Assert.Equal("mysql-bin.000004:120", state.Checkpoint);
        var orders = state.Table(Orders)!;
        Assert.Equal(TablePhase.Snapshotting, orders.Phase);
        Assert.Equal("i:1000", orders.LastKey);
        Assert.Equal(1000, orders.RowsCopied);
        Assert.Equal(1200, orders.RowsEstimated);
        Assert.Equal(["is_paid"], orders.BooleanColumns);
        var customers = state.Table(new TableId("shop", "customers"))!;
        Assert.Equal(TablePhase.NeedsResync, customers.Phase);
        Assert.Equal("ALTER TABLE", customers.ResyncReason);
        var notable = Assert.Single(state.Events);
        Assert.Equal(new NotableEvent("forced_resync_table", "shop.customers", "ALTER TABLE", At), notable);

        var entity = (ConnectorEntityState)SluiceJsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(GoldenDirectory, "es.json")), "es");
        Assert.Equal(2, entity.Incarnation);
        Assert.True(entity.Paused);
        Assert.False(entity.Deleted);
        Assert.Equal("shop.2", entity.RunId);
        var d = entity.Definition!;
        Assert.Equal("shop", d.Id);
        Assert.Equal("Server=db;Port=3306;User ID=sluice;Password=secret", d.SourceConnectionString);
        Assert.Equal("/data/shop.duckdb", d.DestinationPath);
        Assert.Equal(["shop"], d.IncludeSchemas!);
        Assert.Null(d.ExcludeSchemas);
        Assert.Equal(["shop.audit_log"], d.ExcludeTables!);
        Assert.Equal(["shop.customers.id", "shop.customers.name"], d.IncludeColumns!);
        Assert.Equal(["shop.customers.email"], d.HashedColumns!);
        Assert.Equal(5000, d.ChunkSize);
        Assert.Equal(3, d.ParallelSnapshots);
        Assert.Equal(4242u, d.ServerId);
        Assert.False(d.KillZombieConnections);
        Assert.True(d.RunSetupChecks);
    }

    [Fact]
    public void WriteMissingGoldenFiles()
    {
        var target = Environment.GetEnvironmentVariable("SLUICE_WRITE_GOLDEN");
        if (string.IsNullOrEmpty(target)) return;
        Directory.CreateDirectory(target);
        foreach (var (type, value) in Expected)
        {
            var path = Path.Combine(target, SluiceManifests.Of(type) + ".json");
            if (File.Exists(path)) continue;
            File.WriteAllText(path, Encoding.UTF8.GetString(SluiceJsonSerializer.Serialize(value)) + "\n");
        }
    }

    /// <summary>Records holding lists compare by reference; equal values serialize to equal JSON.</summary>
    private static void AssertSameValue(object expected, object actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(Encoding.UTF8.GetString(SluiceJsonSerializer.Serialize(expected)), Encoding.UTF8.GetString(SluiceJsonSerializer.Serialize(actual)));
    }

    private sealed record NotRegistered(int N);
}
