using System.Linq;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>
    /// The engine's rollback and Resume-Migration go back to the source with the same code, from the record of what the
    /// migration reached: once two copies, they said (and did) different things for the same situation.
    /// </summary>
    public sealed class WayBackTests
    {
        private static readonly string[] Expected =
        {
            "Removing the network namespace /run/netns/web from hostB.",
            "web is frozen on hostA: thawing it.",
        };

        [Fact]
        public void A_rollback_after_a_failed_restore_undoes_the_network_and_thaws_as_a_resume_does()
        {
            using var s = new MigrationScenario();
            _ = new FakeNetworkHost(s.Source, FakeNetworkHost.Sample());
            _ = new FakeNetworkHost(s.Destination);
            s.Destination.FailOn(HostOp.Restore, "criu failed: type RESTORE errno 0");

            s.AssertRolledBack(s.MigrateFailing());

            Assert.Equal(Expected, s.Observer.Messages.Where(Expected.Contains));
            Assert.Contains(s.Observer.Messages, m => m.StartsWith("Putting web on hostA back on the LAN ("));
        }

        [Fact]
        public void A_resume_of_a_migration_that_died_in_the_restore_says_and_does_the_same()
        {
            using var m = new InterruptedMigration();
            _ = new FakeNetworkHost(m.Source, FakeNetworkHost.Sample());
            _ = new FakeNetworkHost(m.Destination);
            m.DieAt(MigrationPhase.Restore);
            m.Source.Freeze(MigrationScenario.Container);

            Assert.Equal(ResumeAction.Thawed, m.Resume().Action);

            Assert.Equal(Expected, m.Said.Where(Expected.Contains));
            Assert.Contains(m.Said, said => said.StartsWith("Putting web on hostA back on the LAN ("));
        }

        [Fact]
        public void A_rollback_that_finds_the_source_copy_gone_restores_it_from_the_images_as_a_resume_does()
        {
            using var s = new MigrationScenario();
            s.Destination.FailOn(HostOp.Restore, "criu failed: type RESTORE errno 0", _ => s.Source.RemoveContainer(MigrationScenario.Container));

            var ex = s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Contains(s.Observer.Messages, said => said.StartsWith("web runs nowhere: restoring it on hostA from "));
        }
    }
}
