using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace LiveMigrate.Threading
{
    /// <summary>
    /// Runs, on the thread that created it, work that worker threads hand it: PowerShell writes output and
    /// progress, and runs script blocks, only on the pipeline thread. Workers <see cref="Post"/> what needs no
    /// answer and <see cref="Invoke{T}"/> what does (a hook's result, a prompt), waiting for it; the caller thread
    /// executes both while it waits in <see cref="Run{T}"/> or <see cref="RunUntil"/>. Nothing polls: the caller
    /// thread sleeps until work is handed to it or the work ends.
    /// </summary>
    public sealed class CallerThreadDispatcher
    {
        private readonly BlockingCollection<Action> _queue = new BlockingCollection<Action>();
        private readonly int _callerThreadId = Environment.CurrentManagedThreadId;
        private ExceptionDispatchInfo? _fault;

        public bool IsCallerThread => Environment.CurrentManagedThreadId == _callerThreadId;

        /// <summary>Whether posted work has thrown; <see cref="RunUntil"/> rethrows it, and schedulers start nothing more.</summary>
        public bool IsFaulted => Volatile.Read(ref _fault) != null;

        /// <summary>Queues work for the caller thread without waiting (progress, output); on the caller thread it runs at once.</summary>
        public void Post(Action action)
        {
            if (IsCallerThread) action();
            else _queue.Add(action);
        }

        /// <summary>
        /// Runs <paramref name="function"/> on the caller thread and returns its result to this worker, or throws
        /// what it threw. Only call it from work that the caller thread is waiting for in <see cref="RunUntil"/>.
        /// </summary>
        public T Invoke<T>(Func<T> function)
        {
            if (IsCallerThread) return function();
            var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Add(() =>
            {
                try { answer.SetResult(function()); }
                catch (Exception ex) { answer.SetException(ex); }
            });
            return answer.Task.GetAwaiter().GetResult();
        }

        public void Invoke(Action action) => Invoke<object?>(() =>
        {
            action();
            return null;
        });

        /// <summary>
        /// Runs <paramref name="work"/> on a thread of its own (it may block for minutes) while this thread executes
        /// what it hands back, until it has ended; then throws the first exception posted work threw, else the work's
        /// own exception (not wrapped), else returns its result.
        /// </summary>
        public T Run<T>(Func<T> work)
        {
            var task = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            RunUntil(task);
            return task.GetAwaiter().GetResult();
        }

        /// <summary>
        /// Executes queued work on the caller thread until <paramref name="work"/> has completed and the queue is
        /// empty; then throws the first exception that posted work threw since the last call, if any.
        /// </summary>
        public void RunUntil(Task work)
        {
            if (!IsCallerThread) throw new InvalidOperationException("RunUntil must be called on the thread that created the dispatcher.");
            // Wakes the loop below when the work ends with nothing queued.
            work.ContinueWith(_ => _queue.Add(() => { }), TaskScheduler.Default);
            while (!(work.IsCompleted && _queue.Count == 0))
            {
                var action = _queue.Take();
                try { action(); }
                catch (Exception ex) { Interlocked.CompareExchange(ref _fault, ExceptionDispatchInfo.Capture(ex), null); }
            }
            Interlocked.Exchange(ref _fault, null)?.Throw();
        }
    }
}
