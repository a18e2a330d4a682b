using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Sluice.Actors.Connector;
using Sluice.Actors.Contracts;
using Sluice.Testing;

namespace Sluice.Actors.Tests.Connector;

/// <summary>A state store (journal) that fails a write or a recovery ends the run as failed, naming the state store.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class StateStoreFailureTests(MariaDbServer server) : Akka.TestKit.Xunit2.TestKit(JournalConfig)
{
    private static readonly Config JournalConfig = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.test"
        akka.persistence.journal.test.class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
        akka.persistence.journal.test.plugin-dispatcher = "akka.actor.default-dispatcher"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.test"
        akka.persistence.snapshot-store.test.class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
        akka.persistence.snapshot-store.test.plugin-dispatcher = "akka.actor.default-dispatcher"
        """);

    private ITestJournal Journal => TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));

    [Fact]
    public async Task A_failed_journal_write_ends_a_once_run_as_failed_naming_the_state_store()
    {
        var db = await server.CreateDatabaseAsync("journalwrite");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
        await db.ExecuteAsync("INSERT INTO t VALUES (1, 'a')");
        await using var harness = new ConnectorHarness(db, "journalwrite");
        await Journal.OnWrite.Fail();
        var runtime = new ConnectorRuntime { Once = true };
        Sys.ActorOf(ConnectorActor.Props(harness.Config, runtime));

        var result = await runtime.Completion.Task.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal("failed", result.Outcome);
        Assert.False(result.Succeeded);
        Assert.StartsWith("state store: could not write the connector's state", result.Error);
        Assert.DoesNotContain('\n', result.Error!);
        Assert.Equal("failed", result.Status.Phase);
    }

    [Fact]
    public async Task A_failed_recovery_ends_the_run_as_failed_naming_the_state_store()
    {
        var db = await server.CreateDatabaseAsync("journalread");
        await using var harness = new ConnectorHarness(db, "journalread");
        var seeded = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Seeder("connector-journalread", seeded.Ref)));
        await seeded.ExpectMsgAsync<string>(TimeSpan.FromSeconds(30));
        await Journal.OnRecovery.Fail();
        var runtime = new ConnectorRuntime { Once = true };
        Sys.ActorOf(ConnectorActor.Props(harness.Config, runtime));

        var result = await runtime.Completion.Task.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("failed", result.Outcome);
        Assert.StartsWith("state store: could not read the connector's saved state", result.Error);
        Assert.Equal("failed", result.Status.Phase);
    }

    /// <summary>Writes one connector event under a connector's persistence id, so that its recovery has something to read.</summary>
    private sealed class Seeder : ReceivePersistentActor
    {
        private readonly string _id;

        public Seeder(string id, IActorRef done)
        {
            _id = id;
            Recover<RecoveryCompleted>(_ => Self.Tell("seed"));
            Command<string>(_ => Persist(new ConnectorInitialized("fingerprint", "c2FsdA=="), _ => done.Tell("seeded")));
        }

        public override string PersistenceId => _id;
    }
}
