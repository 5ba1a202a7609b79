using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Plans.Execution;
using LiveMigrate.Tests.Support;
using Xunit;
using S = LiveMigrate.Plans.Execution.PlannedMigrationStatus;

namespace LiveMigrate.Tests.Plans.Execution
{
    /// <summary>Cancelling starts nothing more; what runs gets the token and decides how to end.</summary>
    public sealed class WaveSchedulerCancellationTests
    {
        [Fact]
        public void Cancelling_cancels_the_running_through_the_token_and_starts_nothing_more()
        {
            var harness = new SchedulerHarness();
            using var cts = new CancellationTokenSource();
            var started = 0;
            harness.Fake.Body = (m, token) =>
            {
                if (Interlocked.Increment(ref started) == 2) cts.Cancel();
                Assert.True(token.WaitHandle.WaitOne(5000), "the running migration gets the run's token");
                token.ThrowIfCancellationRequested();
            };
            var result = harness.Run(PlanFiles.Waves(("first", 2, "rollback", 5), ("second", 1, "stop", 1)), cts.Token);
            Assert.Equal(2, harness.Fake.Events.Count(e => e.StartsWith("start ")));
            Assert.All(result.Migrations, m => Assert.Equal(S.Cancelled, m.Status));
            Assert.Equal(new[] { WaveStatus.Cancelled, WaveStatus.Cancelled }, result.Waves.Select(w => w.Status));
            Assert.DoesNotContain(harness.Fake.Events, e => e.StartsWith("rollback"));
        }

        [Fact]
        public void A_running_migration_may_finish_after_the_cancel_and_keeps_its_success()
        {
            var harness = new SchedulerHarness();
            using var cts = new CancellationTokenSource();
            harness.Fake.Body = (m, token) => { if (m.Container == "first-1") cts.Cancel(); };
            var statuses = SchedulerHarness.Statuses(harness.Run(PlanFiles.Waves(("first", 1, "stop", 3)), cts.Token));
            Assert.Equal(new Dictionary<string, S> { ["first-1"] = S.Succeeded, ["first-2"] = S.Cancelled, ["first-3"] = S.Cancelled }, statuses);
        }

        [Fact]
        public void A_run_cancelled_before_it_starts_runs_nothing()
        {
            var harness = new SchedulerHarness();
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            var result = harness.Run(PlanFiles.Waves(("first", 2, "stop", 2)), cts.Token);
            Assert.Empty(harness.Fake.Events);
            Assert.Equal(WaveStatus.Cancelled, Assert.Single(result.Waves).Status);
            Assert.Equal(new[] { "wave first Cancelled" }, harness.Observer.Calls);
        }
    }
}
