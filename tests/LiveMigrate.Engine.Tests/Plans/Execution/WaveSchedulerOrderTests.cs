using System;
using System.Linq;
using LiveMigrate.Plans.Execution;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans.Execution
{
    /// <summary>Waves one after another; inside a wave, migrations at once but never more than the throttle.</summary>
    public sealed class WaveSchedulerOrderTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void The_throttle_bounds_the_migrations_running_at_once(int throttle)
        {
            var harness = new SchedulerHarness();
            harness.Fake.Duration = TimeSpan.FromMilliseconds(80);
            var result = harness.Run(PlanFiles.Waves(("first", throttle, "stop", 9)));
            Assert.Equal(throttle, harness.Fake.MaxConcurrent);
            Assert.All(result.Migrations, m => Assert.Equal(PlannedMigrationStatus.Succeeded, m.Status));
            Assert.True(result.Succeeded);
        }

        [Fact]
        public void A_wave_starts_only_after_every_migration_of_the_wave_before_it_has_ended()
        {
            var harness = new SchedulerHarness();
            harness.Run(PlanFiles.Waves(("first", 3, "stop", 5), ("second", 3, "stop", 5), ("third", 2, "stop", 2)));
            var events = harness.Fake.Events.ToList();
            int Last(string wave) => events.FindLastIndex(e => e.StartsWith("end " + wave));
            int First(string wave) => events.FindIndex(e => e.StartsWith("start " + wave));
            Assert.True(Last("first") < First("second"), string.Join(", ", events));
            Assert.True(Last("second") < First("third"), string.Join(", ", events));
            Assert.Equal(24, events.Count);
        }

        [Fact]
        public void Migrations_run_on_workers_and_every_observer_call_comes_on_the_caller_thread()
        {
            var harness = new SchedulerHarness();
            harness.Run(PlanFiles.Waves(("first", 2, "stop", 4)));
            Assert.Equal(new[] { Environment.CurrentManagedThreadId }, harness.Observer.Threads);
            Assert.DoesNotContain(Environment.CurrentManagedThreadId, harness.Fake.WorkerThreads);
            Assert.Equal("wave first", harness.Observer.Calls.First());
            Assert.Equal("wave first Succeeded", harness.Observer.Calls.Last());
            Assert.Equal(4, harness.Observer.Calls.Count(c => c.StartsWith("started ")));
            Assert.Equal(4, harness.Observer.Calls.Count(c => c.EndsWith(" Succeeded") && c.StartsWith("completed ")));
        }

        [Fact]
        public void Run_refuses_a_thread_other_than_the_dispatcher_s()
        {
            var harness = new SchedulerHarness();
            var waves = PlanFiles.Waves(("first", 1, "stop", 1));
            var error = OnOtherThread.Exception(() => harness.Run(waves));
            Assert.IsType<InvalidOperationException>(error);
        }
    }
}
