using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>Once the container runs on the destination, nothing in the cleanup may turn success into an exception.</summary>
    public sealed class MigrationCleanupFailureTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Fact]
        public void Source_state_query_failing_in_cleanup_still_returns_success()
        {
            _s.Source.FailOn(HostOp.State, "ssh: connection to hostA lost",
                when: () => _s.Source.CallsOf(HostOp.Checkpoint).Any() && _s.Destination.CallsOf(HostOp.Restore).Any());

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("hostB", result.RunningOn);
            Assert.Contains(_s.Observer.Messages, m => m.Contains("ssh: connection to hostA lost"));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Source_delete_of_a_leftover_entry_failing_in_cleanup_still_returns_success()
        {
            _s.Source.CheckpointLeavesStoppedEntry = true;
            _s.Source.FailOn(HostOp.Delete, "runc: delete failed");

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.True(_s.Destination.IsRunning("web"));
            Assert.Contains(_s.Observer.Messages, m => m.Contains("runc: delete failed"));
            _s.AssertInvariant(result);
        }
    }
}
