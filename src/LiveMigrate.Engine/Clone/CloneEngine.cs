using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace LiveMigrate.Clone
{
    /// <summary>
    /// Copies a running container to other hosts under new names: one checkpoint, the original left running,
    /// then the same images streamed to every destination and restored there in parallel.
    /// </summary>
    public sealed class CloneEngine
    {
        private readonly Transfer.ITreeTransport _transport;

        public CloneEngine(Transfer.ITreeTransport transport) { _transport = transport; }

        /// <summary>The steps finished so far (for progress); safe to drain from another thread.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> Finished { get; } = new System.Collections.Concurrent.ConcurrentQueue<string>();

        /// <param name="source">Where the container runs; its store holds the one checkpoint for as long as the copies take.</param>
        /// <param name="targets">Each destination's store and the clone's name there.</param>
        /// <param name="keepCheckpoint">Keep the checkpoint on every host afterwards, under its name, for Restore-Container.</param>
        public IReadOnlyList<CloneResult> Copy(string container, CheckpointStore source, IReadOnlyList<(CheckpointStore Store, string NewName)> targets,
            string checkpointName, bool keepCheckpoint, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            var checkpoint = source.Save(container, checkpointName, ct);
            Finished.Enqueue($"checkpoint of {container} on {source.Host.Name} ({checkpoint.Frozen.TotalMilliseconds:0} ms paused)");
            try
            {
                var work = targets.Select(t => Task.Run(() => CopyTo(container, checkpoint, source, t.Store, t.NewName, clock, ct))).ToArray();
                Task.WaitAll(work);
                return work.Select(t => t.Result).ToList();
            }
            finally
            {
                if (!keepCheckpoint) source.Remove(checkpointName, CancellationToken.None);
            }

            CloneResult CopyTo(string name, CheckpointInfo saved, CheckpointStore from, CheckpointStore to, string newName, Stopwatch since, CancellationToken token)
            {
                var result = new CloneResult(name, from.Host.Name, to.Host.Name, newName) { SourceFrozen = saved.Frozen };
                var copied = false;
                try
                {
                    var step = Stopwatch.StartNew();
                    // A clone on the source host itself restores from the checkpoint where it is.
                    var (there, bytes, route) = from.SendTo(saved, to, _transport, Finished.Enqueue, replace: false, token);
                    result.BytesTransferred = bytes;
                    result.TransferRoute = route;
                    copied = to.Host.Name != from.Host.Name;
                    result.TransferTime = step.Elapsed;
                    Finished.Enqueue($"checkpoint sent to {to.Host.Name}");
                    step.Restart();
                    to.Restore(there, newName, token);
                    result.RestoreTime = step.Elapsed;
                    result.Status = CloneStatus.Running;
                    Finished.Enqueue($"{newName} runs on {to.Host.Name}");
                }
                catch (Exception ex)
                {
                    result.Status = CloneStatus.Failed;
                    result.Error = ex is OperationCanceledException ? "Cancelled." : ex.Message;
                }
                finally
                {
                    if (copied && !keepCheckpoint)
                    {
                        try { to.Remove(saved.Name, CancellationToken.None); }
                        catch (Exception ex) { result.Error = (result.Error == null ? "" : result.Error + " ") + $"The checkpoint copy {saved.Path} on {to.Host.Name} could not be removed: {ex.Message}"; }
                    }
                    result.Elapsed = since.Elapsed;
                }
                return result;
            }
        }
    }
}
