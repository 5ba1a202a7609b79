using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using LiveMigrate.Migration;
using LiveMigrate.Plans.Execution;
using LiveMigrate.Threading;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans.Execution
{
    /// <summary>Work handed from workers runs on the caller thread; answers and exceptions travel back.</summary>
    public sealed class CallerThreadDispatcherTests
    {
        [Fact]
        public void A_hook_runs_on_the_caller_thread_while_the_worker_waits_for_its_answer()
        {
            var harness = new SchedulerHarness();
            var caller = Environment.CurrentManagedThreadId;
            var seen = new List<(int worker, int hook, string answer)>();
            harness.Fake.Body = (m, _) =>
            {
                var answer = harness.Dispatcher.Invoke(() => $"{m.Container} ran on {Environment.CurrentManagedThreadId}");
                lock (seen) seen.Add((Environment.CurrentManagedThreadId, int.Parse(answer.Split(' ')[3]), answer));
            };
            harness.Run(PlanFiles.Waves(("first", 2, "stop", 4)));
            Assert.Equal(4, seen.Count);
            Assert.All(seen, s =>
            {
                Assert.Equal(caller, s.hook);
                Assert.NotEqual(caller, s.worker);
            });
        }

        [Fact]
        public void An_exception_of_a_hook_travels_back_to_the_worker_and_fails_that_migration()
        {
            var harness = new SchedulerHarness();
            Exception? caught = null;
            harness.Fake.Body = (m, _) =>
            {
                try { harness.Dispatcher.Invoke(() => throw new TimeoutException("hook of " + m.Container + " timed out")); }
                catch (TimeoutException ex)
                {
                    caught = ex;
                    throw;
                }
            };
            var result = harness.Run(PlanFiles.Waves(("first", 1, "stop", 2)));
            Assert.Equal("hook of first-1 timed out", caught!.Message);
            Assert.Equal(new[] { PlannedMigrationStatus.Failed, PlannedMigrationStatus.Skipped }, System.Linq.Enumerable.Select(result.Migrations, m => m.Status));
            Assert.Same(caught, System.Linq.Enumerable.First(result.Migrations).Error);
        }

        [Fact]
        public void An_observer_that_throws_stops_new_migrations_and_its_exception_leaves_Run_after_the_workers()
        {
            var harness = new SchedulerHarness();
            harness.Observer.OnCompleted = o => throw new OperationCanceledException("pipeline stopped");
            var error = Record.Exception(() => harness.Run(PlanFiles.Waves(("first", 1, "stop", 3), ("second", 1, "stop", 1))));
            Assert.Equal("pipeline stopped", Assert.IsType<OperationCanceledException>(error).Message);
            Assert.Equal(new[] { "start first-1", "end first-1" }, harness.Fake.Events);
        }

        [Fact]
        public void Posted_work_runs_in_order_and_Invoke_on_the_caller_thread_runs_inline()
        {
            var dispatcher = new CallerThreadDispatcher();
            var order = new List<int>();
            var worker = Task.Run(() =>
            {
                for (var i = 0; i < 50; i++)
                {
                    var n = i;
                    dispatcher.Post(() => order.Add(n));
                }
            });
            dispatcher.RunUntil(worker);
            Assert.Equal(System.Linq.Enumerable.Range(0, 50), order);
            Assert.Equal(Environment.CurrentManagedThreadId, dispatcher.Invoke(() => Environment.CurrentManagedThreadId));
        }

        [Fact]
        public void RunUntil_refuses_a_thread_other_than_its_creator()
        {
            var dispatcher = new CallerThreadDispatcher();
            var error = OnOtherThread.Exception(() => dispatcher.RunUntil(Task.CompletedTask));
            Assert.IsType<InvalidOperationException>(error);
        }

        [Fact]
        public void A_migration_observer_on_a_worker_reports_on_the_caller_thread_in_order()
        {
            var dispatcher = new CallerThreadDispatcher();
            var threads = new HashSet<int>();
            var inner = new RecordingObserver { OnEvent = _ => threads.Add(Environment.CurrentManagedThreadId) };
            var observer = new DispatchingMigrationObserver(inner, dispatcher);
            dispatcher.RunUntil(Task.Run(() =>
            {
                observer.PhaseStarted(MigrationPhase.Checkpoint, "Checkpointing");
                observer.TransferProgress(42);
                observer.Message("hello");
                observer.PhaseCompleted(MigrationPhase.Checkpoint, TimeSpan.FromSeconds(1));
            }));
            Assert.Equal(new[] { Environment.CurrentManagedThreadId }, threads);
            Assert.Equal(new[] { "Started Checkpoint", "Progress", "Completed Checkpoint" }, System.Linq.Enumerable.Select(inner.Events, e => e.ToString()));
            Assert.Equal(new[] { 42L }, inner.Progress);
            Assert.Equal(new[] { "hello" }, inner.Messages);
        }
    }
}
