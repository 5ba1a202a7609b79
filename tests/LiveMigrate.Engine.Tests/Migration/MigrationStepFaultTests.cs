using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>A fault injected at a step, by its name: before the freeze the migration aborts, after it it rolls back, each step's undo run.</summary>
    public sealed class MigrationStepFaultTests : System.IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Theory]
        [InlineData("Checkpoint", MigrationMode.Stop)]
        [InlineData("Transfer", MigrationMode.Stop)]
        [InlineData("Restore", MigrationMode.Stop)]
        [InlineData("Verify", MigrationMode.Stop)]
        [InlineData("Transfer", MigrationMode.PostCopy)]
        [InlineData("Pages", MigrationMode.PostCopy)]
        [InlineData("Verify", MigrationMode.PostCopy)]
        public void A_fault_after_the_freeze_rolls_back_to_the_source(string step, MigrationMode mode)
        {
            _s.Options.Mode = mode;
            _s.FaultAtStep = step;

            var ex = _s.MigrateFailing();

            Assert.Equal(step, ex.FailedPhase.ToString());
            Assert.Contains($"fault injected at step {step}", ex.Message);
            _s.AssertRolledBack(ex);
            Assert.Contains(MigrationPhase.Rollback, ex.Result.Phases.Keys);
        }

        [Fact]
        public void A_fault_in_Pages_after_a_lazy_restore_from_the_images_stops_the_page_daemon_before_the_copy_goes()
        {
            _s.Options.LazyRestore = true;
            _s.FaultAtStep = "Pages";

            var ex = _s.MigrateFailing();

            _s.AssertRolledBack(ex);
            var stop = _s.Destination.CallsOf(HostOp.StopPageDaemons).Single();
            Assert.True(stop.Seq < _s.Destination.CallsOf(HostOp.Delete).Single().Seq, "the daemon goes before the copy it fills");
        }

        [Fact]
        public void A_fault_as_Prepare_begins_aborts_with_the_source_untouched()
        {
            _s.FaultAtStep = "Prepare";

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Equal("hostA", ex.Result.RunningOn);
            _s.AssertSourceUntouched();
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void A_fault_in_a_pre_dump_round_aborts_thaws_and_leaves_no_round()
        {
            _s.Options.Mode = MigrationMode.PreCopy;
            _s.FaultAtStep = "PreDump";

            var ex = _s.MigrateFailing();

            Assert.Equal((MigrationStatus.Aborted, MigrationPhase.PreDump), (ex.Result.Status, ex.FailedPhase));
            Assert.True(_s.Source.IsRunning(MigrationScenario.Container));
            Assert.Empty(_s.Source.FilesUnder(_s.ImageDir));
            Assert.Empty(_s.Destination.FilesUnder(_s.ImageDir));
            _s.AssertInvariant(ex.Result);
        }
    }
}
