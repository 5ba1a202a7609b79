using System;
using LiveMigrate.Migration;

namespace LiveMigrate.Threading
{
    /// <summary>
    /// Lets a migration on a worker thread report to an observer that must be called on the caller thread
    /// (one that writes PowerShell progress): every call is posted to the dispatcher, in order.
    /// </summary>
    public sealed class DispatchingMigrationObserver : IMigrationObserver
    {
        private readonly IMigrationObserver _inner;
        private readonly CallerThreadDispatcher _dispatcher;

        public DispatchingMigrationObserver(IMigrationObserver inner, CallerThreadDispatcher dispatcher)
        {
            _inner = inner;
            _dispatcher = dispatcher;
        }

        public void PhaseStarted(MigrationPhase phase, string description) => _dispatcher.Post(() => _inner.PhaseStarted(phase, description));
        public void PhaseCompleted(MigrationPhase phase, TimeSpan duration) => _dispatcher.Post(() => _inner.PhaseCompleted(phase, duration));
        public void TransferProgress(long bytes) => _dispatcher.Post(() => _inner.TransferProgress(bytes));
        public void Message(string text) => _dispatcher.Post(() => _inner.Message(text));
    }
}
