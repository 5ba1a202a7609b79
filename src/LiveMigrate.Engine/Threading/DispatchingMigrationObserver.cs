using System;
using LiveMigrate.Migration;

namespace LiveMigrate.Threading
{
    /// <summary>
    /// Lets a migration on a worker thread report to an observer that must be called on the caller thread
    /// (one that writes PowerShell progress): every call is posted to the dispatcher, in order. Transfer progress
    /// comes with every buffer a stream moves: while one report is still queued with nothing after it, later ones
    /// only update its byte count, so the caller thread wakes per update it can show, not per buffer.
    /// </summary>
    public sealed class DispatchingMigrationObserver : IMigrationObserver
    {
        private readonly IMigrationObserver _inner;
        private readonly CallerThreadDispatcher _dispatcher;
        private readonly object _gate = new object();
        private QueuedBytes? _queued;

        public DispatchingMigrationObserver(IMigrationObserver inner, CallerThreadDispatcher dispatcher)
        {
            _inner = inner;
            _dispatcher = dispatcher;
        }

        public void PhaseStarted(MigrationPhase phase, string description) => Post(() => _inner.PhaseStarted(phase, description));
        public void PhaseCompleted(MigrationPhase phase, TimeSpan duration) => Post(() => _inner.PhaseCompleted(phase, duration));
        public void Message(string text) => Post(() => _inner.Message(text));

        public void TransferProgress(long bytes)
        {
            QueuedBytes queued;
            lock (_gate)
            {
                if (_queued != null)
                {
                    _queued.Bytes = bytes;
                    return;
                }
                queued = _queued = new QueuedBytes { Bytes = bytes };
            }
            _dispatcher.Post(() =>
            {
                long latest;
                lock (_gate)
                {
                    if (_queued == queued) _queued = null;
                    latest = queued.Bytes;
                }
                _inner.TransferProgress(latest);
            });
        }

        // Whatever comes next is reported after it: a later byte count gets a place of its own.
        private void Post(Action call)
        {
            lock (_gate) _queued = null;
            _dispatcher.Post(call);
        }

        private sealed class QueuedBytes
        {
            public long Bytes;
        }
    }
}
