using System;
using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;
using static LiveMigrate.Tests.Fakes.ObserverEventKind;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>Ctrl+C at every moment: before the freeze it aborts, after it the container goes back to the source.</summary>
    public sealed class MigrationCancellationTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        public static IEnumerable<object[]> BeforeTheFreeze => new[]
        {
            new object[] { Started, MigrationPhase.Prepare },
            new object[] { Completed, MigrationPhase.Prepare },
        };

        public static IEnumerable<object[]> AfterTheFreeze => new[]
        {
            new object[] { Started, MigrationPhase.Checkpoint },
            new object[] { Completed, MigrationPhase.Checkpoint },
            new object[] { Started, MigrationPhase.Transfer },
            new object[] { Completed, MigrationPhase.Transfer },
            new object[] { Started, MigrationPhase.Restore },
            new object[] { Completed, MigrationPhase.Restore },
            new object[] { Started, MigrationPhase.Verify },
        };

        public static IEnumerable<object[]> AfterVerification => new[]
        {
            new object[] { Completed, MigrationPhase.Verify },
            new object[] { Started, MigrationPhase.Cleanup },
            new object[] { Completed, MigrationPhase.Cleanup },
        };

        [Theory]
        [MemberData(nameof(BeforeTheFreeze))]
        public void Before_the_freeze_aborts_and_leaves_the_source_alone(ObserverEventKind kind, MigrationPhase phase)
        {
            _s.CancelAt(new ObserverEvent(kind, phase));

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
            Assert.Equal("Cancelled.", ex.Result.Error);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.DoesNotContain("Started Rollback", _s.Observer.PhaseEvents);
            Assert.Equal(TimeSpan.Zero, ex.Result.Downtime);
            _s.AssertDestinationUntouched();
            if (ex.Result.ImagePath != null) Assert.Empty(_s.Source.FilesUnder(ex.Result.ImagePath));
            _s.AssertInvariant(ex.Result);
        }

        [Theory]
        [MemberData(nameof(AfterTheFreeze))]
        public void After_the_freeze_rolls_back_to_the_source(ObserverEventKind kind, MigrationPhase phase)
        {
            _s.CancelAt(new ObserverEvent(kind, phase));

            var ex = _s.MigrateFailing();

            Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
            Assert.Equal("Cancelled.", ex.Result.Error);
            Assert.Contains("it was cancelled", ex.Message);
            Assert.Equal(new[] { "Started Rollback", "Completed Rollback" }, _s.Observer.PhaseEvents.TakeLast(2));
            _s.AssertRolledBack(ex);
        }

        [Theory]
        [InlineData(MigrationPhase.Checkpoint)]
        [InlineData(MigrationPhase.Restore)]
        public void Never_interrupts_a_running_criu_call(MigrationPhase phase)
        {
            _s.CancelAt(new ObserverEvent(ObserverEventKind.Started, phase));

            var ex = _s.MigrateFailing();

            // The fake refuses a call whose token is already cancelled: the call went through with its own bound.
            var host = phase == MigrationPhase.Checkpoint ? _s.Source : _s.Destination;
            Assert.Single(host.CallsOf(phase == MigrationPhase.Checkpoint ? HostOp.Checkpoint : HostOp.Restore));
            Assert.True(ex.FailedPhase > phase, "the cancellation takes effect at the next phase");
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void During_the_transfer_rolls_back_to_the_source()
        {
            _s.Observer.OnEvent = e => { if (e.Kind == Progress) _s.Cancellation.Cancel(); };

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Transfer, ex.FailedPhase);
            Assert.Single(_s.Observer.Progress);
            _s.AssertRolledBack(ex);
        }

        [Theory]
        [MemberData(nameof(AfterVerification))]
        public void After_verification_the_move_stands(ObserverEventKind kind, MigrationPhase phase)
        {
            _s.CancelAt(new ObserverEvent(kind, phase));

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Empty(_s.Source.FilesUnder(MigrationScenario.Bundle));
            _s.AssertNoEntryLeftOn(_s.Source);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void An_already_cancelled_token_aborts_without_asking_any_host()
        {
            _s.Cancellation.Cancel();

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Empty(_s.Source.Calls);
            Assert.Empty(_s.Destination.Calls);
            _s.AssertInvariant(ex.Result);
        }
    }
}
