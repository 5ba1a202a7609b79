using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LiveMigrate.Threading;
using Xunit;

namespace LiveMigrate.Tests.Threading
{
    /// <summary>
    /// What every long-running cmdlet relies on: work on a worker thread, what it hands back run on the caller (the
    /// pipeline) thread in order, its result or exception delivered there, and a stop that never abandons the work.
    /// </summary>
    public sealed class CallerThreadDispatcherRunTests
    {
        private readonly int _caller = Environment.CurrentManagedThreadId;

        [Fact]
        public void Run_executes_what_the_work_posts_and_invokes_on_the_caller_thread_in_order_and_returns_its_result()
        {
            var dispatcher = new CallerThreadDispatcher();
            var seen = new List<(int n, int thread)>();
            var worker = 0;
            var result = dispatcher.Run(() =>
            {
                worker = Environment.CurrentManagedThreadId;
                for (var i = 0; i < 200; i++)
                {
                    var n = i;
                    // Output and progress are posted; a hook waits for its answer: both keep one order.
                    if (n % 10 == 9) dispatcher.Invoke(() => seen.Add((n, Environment.CurrentManagedThreadId)));
                    else dispatcher.Post(() => seen.Add((n, Environment.CurrentManagedThreadId)));
                }
                return "moved";
            });
            Assert.Equal("moved", result);
            Assert.NotEqual(_caller, worker);
            Assert.Equal(Enumerable.Range(0, 200), seen.Select(s => s.n));
            Assert.All(seen, s => Assert.Equal(_caller, s.thread));
        }

        [Fact]
        public void The_works_own_exception_reaches_the_caller_thread_unwrapped_after_what_it_posted()
        {
            var dispatcher = new CallerThreadDispatcher();
            var posted = new List<string>();
            var error = Record.Exception(() => dispatcher.Run<int>(() =>
            {
                dispatcher.Post(() => posted.Add("rolled back"));
                throw new TimeoutException("CRIU did not answer");
            }));
            // Not an AggregateException: a cmdlet classifies the error by its type (HostCommandTimedOut, MigrationRolledBack...).
            Assert.Equal("CRIU did not answer", Assert.IsType<TimeoutException>(error).Message);
            Assert.Equal(new[] { "rolled back" }, posted);
        }

        [Fact]
        public void A_posted_write_that_throws_is_rethrown_once_the_work_has_ended_ahead_of_its_result()
        {
            var dispatcher = new CallerThreadDispatcher();
            var ended = false;
            var error = Record.Exception(() => dispatcher.Run(() =>
            {
                dispatcher.Post(() => throw new InvalidOperationException("the command downstream failed"));
                dispatcher.Post(() => { });
                Thread.Sleep(50);
                ended = true;
                return 1;
            }));
            Assert.True(ended);
            Assert.Equal("the command downstream failed", Assert.IsType<InvalidOperationException>(error).Message);
        }

        [Fact]
        public void A_fault_of_posted_work_is_thrown_once_not_again_by_the_next_run()
        {
            var dispatcher = new CallerThreadDispatcher();
            Assert.IsType<InvalidOperationException>(Record.Exception(() =>
                dispatcher.RunUntil(Task.Run(() => dispatcher.Post(() => throw new InvalidOperationException("first record's write"))))));
            // A cmdlet that writes the error of one pipeline record goes on with the next one.
            var second = Task.Run(() => dispatcher.Post(() => { }));
            dispatcher.RunUntil(second);
            Assert.True(second.IsCompleted);
        }

        [Fact]
        public void A_stop_cancels_the_work_and_the_caller_keeps_pumping_its_rollback_until_it_ends()
        {
            var dispatcher = new CallerThreadDispatcher();
            using var stop = new CancellationTokenSource();
            var started = new ManualResetEventSlim();
            var steps = new List<(string step, int thread)>();
            var workEnded = false;
            // Ctrl+C: StopProcessing cancels from another thread while the pipeline thread waits in Run.
            var ctrlC = new Thread(() =>
            {
                started.Wait();
                stop.Cancel();
            });
            ctrlC.Start();
            var error = Record.Exception(() => dispatcher.Run<int>(() =>
            {
                dispatcher.Post(() => steps.Add(("frozen", Environment.CurrentManagedThreadId)));
                started.Set();
                stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
                // The rollback still reports and runs its OnRollback hook on the caller thread.
                dispatcher.Invoke(() => steps.Add(("OnRollback hook", Environment.CurrentManagedThreadId)));
                Thread.Sleep(50);
                dispatcher.Post(() => steps.Add(("thawed on the source", Environment.CurrentManagedThreadId)));
                workEnded = true;
                stop.Token.ThrowIfCancellationRequested();
                return 0;
            }));
            ctrlC.Join();
            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.True(workEnded);
            Assert.Equal(new[] { "frozen", "OnRollback hook", "thawed on the source" }, steps.Select(s => s.step));
            Assert.All(steps, s => Assert.Equal(_caller, s.thread));
        }
    }
}
