using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Plans.Execution;
using LiveMigrate.Tests.Support;
using Xunit;
using S = LiveMigrate.Plans.Execution.PlannedMigrationStatus;

namespace LiveMigrate.Tests.Plans.Execution
{
    /// <summary>stop, continue and rollback after a failure in a wave.</summary>
    public sealed class WaveSchedulerPolicyTests
    {
        [Fact]
        public void Stop_starts_nothing_more_and_runs_no_later_wave()
        {
            var harness = new SchedulerHarness();
            harness.Fake.Failing.Add("first-2");
            var result = harness.Run(PlanFiles.Waves(("first", 1, "stop", 4), ("second", 1, "stop", 2)));
            Assert.Equal(new Dictionary<string, S>
            {
                ["first-1"] = S.Succeeded, ["first-2"] = S.Failed, ["first-3"] = S.Skipped, ["first-4"] = S.Skipped,
                ["second-1"] = S.Skipped, ["second-2"] = S.Skipped,
            }, SchedulerHarness.Statuses(result));
            Assert.Equal(new[] { "start first-1", "end first-1", "start first-2", "end first-2" }, harness.Fake.Events);
            Assert.Equal(new[] { WaveStatus.Failed, WaveStatus.Skipped }, result.Waves.Select(w => w.Status));
            Assert.Contains("fake failure of first-2", result.Migrations.Single(m => m.Status == S.Failed).Error!.Message);
            Assert.Contains("wave second Skipped", harness.Observer.Calls);
            Assert.DoesNotContain("wave second", harness.Observer.Calls);
        }

        [Fact]
        public void Stop_lets_the_migrations_already_running_finish()
        {
            var harness = new SchedulerHarness();
            harness.Fake.Failing.Add("first-1");
            using var secondStarted = new ManualResetEventSlim();
            using var firstFailing = new ManualResetEventSlim();
            harness.Fake.Body = (m, _) =>
            {
                if (m.Container == "first-1")
                {
                    Assert.True(secondStarted.Wait(5000));
                    firstFailing.Set();
                    return;
                }
                secondStarted.Set();
                Assert.True(firstFailing.Wait(5000));
                Thread.Sleep(100); // first-2 ends after first-1 has failed
            };
            var statuses = SchedulerHarness.Statuses(harness.Run(PlanFiles.Waves(("first", 2, "stop", 3))));
            Assert.Equal(new Dictionary<string, S> { ["first-1"] = S.Failed, ["first-2"] = S.Succeeded, ["first-3"] = S.Skipped }, statuses);
        }

        [Fact]
        public void Continue_runs_the_rest_of_the_wave_and_the_later_waves()
        {
            var harness = new SchedulerHarness();
            harness.Fake.Failing.Add("first-1");
            var result = harness.Run(PlanFiles.Waves(("first", 1, "continue", 3), ("second", 2, "stop", 2)));
            Assert.Equal(new[] { S.Failed, S.Succeeded, S.Succeeded, S.Succeeded, S.Succeeded }, result.Migrations.Select(m => m.Status));
            Assert.Equal(new[] { WaveStatus.Failed, WaveStatus.Succeeded }, result.Waves.Select(w => w.Status));
            Assert.False(result.Succeeded);
        }

        [Fact]
        public void Rollback_moves_the_wave_s_successes_back_newest_first_and_stops()
        {
            var harness = new SchedulerHarness();
            harness.Fake.Failing.Add("first-3");
            var result = harness.Run(PlanFiles.Waves(("first", 1, "rollback", 4), ("second", 1, "stop", 1)));
            Assert.Equal(new Dictionary<string, S>
            {
                ["first-1"] = S.RolledBack, ["first-2"] = S.RolledBack, ["first-3"] = S.Failed, ["first-4"] = S.Skipped, ["second-1"] = S.Skipped,
            }, SchedulerHarness.Statuses(result));
            Assert.Equal(new[] { "rollback first-2", "rollback first-1" }, harness.Fake.Events.Where(e => e.StartsWith("rollback")));
            Assert.Equal(new[] { WaveStatus.RolledBack, WaveStatus.Skipped }, result.Waves.Select(w => w.Status));
            var first = result.Migrations.First();
            Assert.Equal(("lm2", "lm1"), (first.RollbackResult!.Source, first.RollbackResult.Destination));
            Assert.Equal(new[] { "rolling back first-2", "rolling back first-1" }, harness.Observer.Calls.Where(c => c.StartsWith("rolling back")));
            Assert.Equal("wave first RolledBack", harness.Observer.Calls.Single(c => c.StartsWith("wave first ")));
        }

        [Fact]
        public void A_rollback_that_fails_is_reported_and_the_others_still_run()
        {
            var harness = new SchedulerHarness();
            harness.Fake.Failing.Add("first-3");
            harness.Fake.FailingRollbacks.Add("first-2");
            var result = harness.Run(PlanFiles.Waves(("first", 1, "rollback", 3)));
            var statuses = SchedulerHarness.Statuses(result);
            Assert.Equal((S.RolledBack, S.RollbackFailed), (statuses["first-1"], statuses["first-2"]));
            Assert.Equal("fake rollback failure", result.Migrations.Single(m => m.Status == S.RollbackFailed).RollbackError!.Message);
        }

        [Fact]
        public void Rollback_does_nothing_when_nothing_failed()
        {
            var harness = new SchedulerHarness();
            var result = harness.Run(PlanFiles.Waves(("first", 2, "rollback", 3)));
            Assert.True(result.Succeeded);
            Assert.DoesNotContain(harness.Fake.Events, e => e.StartsWith("rollback"));
        }
    }
}
