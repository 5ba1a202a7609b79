using System.Linq;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Network;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Network
{
    /// <summary>Resume-Migration ends a network move the way the engine would have: from the network the journal kept.</summary>
    public sealed class ResumeNetworkTests
    {
        private static (InterruptedMigration, FakeNetworkHost, FakeNetworkHost) Interrupted(MigrationPhase phase, bool whenCompleted = false)
        {
            var m = new InterruptedMigration();
            var source = new FakeNetworkHost(m.Source, FakeNetworkHost.Sample());
            var destination = new FakeNetworkHost(m.Destination);
            m.DieAt(phase, whenCompleted);
            source.Steps.Clear();
            destination.Steps.Clear();
            return (m, source, destination);
        }

        [Fact]
        public void The_journal_keeps_the_network_as_the_engine_read_it()
        {
            var (m, _, _) = Interrupted(MigrationPhase.Transfer);
            using (m)
            {
                Assert.Equal("/run/netns/web", m.Record.NetworkNamespace);
                var kept = ContainerNetwork.Parse(m.Record.NetworkNamespace!, m.Record.Network!);
                Assert.Equal(FakeNetworkHost.Sample().ToInspectText(), kept.ToInspectText());
            }
        }

        [Fact]
        public void Died_in_the_transfer_puts_the_source_back_on_the_LAN_before_the_thaw()
        {
            var (m, source, destination) = Interrupted(MigrationPhase.Transfer);
            using (m)
            {
                m.Source.Freeze(MigrationScenario.Container);

                var result = m.Resume();

                Assert.Equal(ResumeAction.Thawed, result.Action);
                Assert.Equal(new[] { "Rejoin" }, source.Steps);
                Assert.Empty(destination.Steps);  // nothing was built there before the restore
                Assert.True(m.Source.CallsOf(HostOp.Network).Last().Seq < m.Source.CallsOf(HostOp.Resume).Single().Seq);
            }
        }

        [Fact]
        public void Died_in_the_restore_removes_the_destination_namespace_first()
        {
            var (m, source, destination) = Interrupted(MigrationPhase.Restore);
            using (m)
            {
                m.Source.Freeze(MigrationScenario.Container);

                m.Resume();

                Assert.Equal(new[] { "Remove" }, destination.Steps);
                Assert.Equal(new[] { "Rejoin" }, source.Steps);
                Assert.True(m.Destination.CallsOf(HostOp.Network).Last().Seq < m.Source.CallsOf(HostOp.Network).Last().Seq);
            }
        }

        [Fact]
        public void Died_after_the_restore_announces_on_the_destination_and_removes_the_source_namespace()
        {
            var (m, source, destination) = Interrupted(MigrationPhase.Verify);
            using (m)
            {
                var result = m.Resume();

                Assert.Equal(ResumeAction.Finished, result.Action);
                Assert.Equal(new[] { "Announce" }, destination.Steps);
                Assert.Equal(new[] { "Remove" }, source.Steps);
            }
        }
    }
}
