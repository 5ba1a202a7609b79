using System;
using System.Linq;
using System.Threading;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Threading;
using Xunit;

namespace LiveMigrate.Tests.Threading
{
    /// <summary>A migration on a worker reports through the dispatcher without waking the caller thread per buffer it streams.</summary>
    public sealed class DispatchingMigrationObserverTests
    {
        [Fact]
        public void Transfer_progress_queued_while_the_caller_thread_is_busy_arrives_once_with_the_latest_bytes_in_its_place()
        {
            var dispatcher = new CallerThreadDispatcher();
            var inner = new RecordingObserver();
            var observer = new DispatchingMigrationObserver(inner, dispatcher);
            var release = new ManualResetEventSlim();
            dispatcher.Run(() =>
            {
                // The caller thread is held (a script hook, a slow host) while a stream reports every buffer.
                dispatcher.Post(release.Wait);
                observer.PhaseStarted(MigrationPhase.Transfer, "Transferring");
                for (var bytes = 1L; bytes <= 10_000; bytes++) observer.TransferProgress(bytes << 20);
                observer.PhaseCompleted(MigrationPhase.Transfer, TimeSpan.FromSeconds(1));
                observer.TransferProgress(10_001L << 20);
                release.Set();
                return 0;
            });
            Assert.Equal(new[] { 10_000L << 20, 10_001L << 20 }, inner.Progress);
            Assert.Equal(new[] { "Started Transfer", "Progress", "Completed Transfer", "Progress" }, inner.Events.Select(e => e.ToString()));
        }
    }
}
