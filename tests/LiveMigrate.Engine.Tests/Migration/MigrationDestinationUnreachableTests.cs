using System;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>The destination drops off mid-migration: roll back only when it cannot hold a running copy.</summary>
    public sealed class MigrationDestinationUnreachableTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Fact]
        public void After_a_failed_restore_the_source_is_not_restored_blind()
        {
            // The restore may have worked before the connection dropped: restoring on A could run it twice.
            _s.Destination.FailOn(HostOp.Restore, "ssh: connection lost", h =>
            {
                h.WithContainer("web", MigrationScenario.Bundle, ContainerStatus.Running);
                h.BecomeUnreachable();
            });

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Failed, ex.Result.Status);
            Assert.Empty(_s.Source.CallsOf(HostOp.Restore));
            Assert.Empty(_s.Source.CallsOf(HostOp.Resume));
            Assert.Contains($"--image-path {_s.ImageDir} --bundle {MigrationScenario.Bundle} web (those checkpoint images are kept)", ex.Message);
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void A_transfer_that_broke_because_the_destination_went_away_still_rolls_back()
        {
            // runc restore never ran on B, so B cannot run the container: nothing there needs asking before A restores.
            _s.Transport.FailureMessage = "ssh: connection to hostB lost";
            _s.Transport.FilesBeforeFailure = 1;
            _s.Observer.OnEvent = e =>
            {
                if (e == new ObserverEvent(ObserverEventKind.Started, MigrationPhase.Transfer)) _s.Destination.BecomeUnreachable();
            };

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Equal("hostA", ex.Result.RunningOn);
            Assert.True(_s.Source.IsRunning("web"));
            Assert.Contains(_s.Observer.Messages, m => m.Contains("hostB"));
            _s.AssertInvariant(ex.Result);
        }
    }
}
