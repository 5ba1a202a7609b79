using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.PreCopy
{
    /// <summary>
    /// Pre-dump rounds on their own: staged on the destination for a later Move-Container -PredumpId, which
    /// then freezes the container only for the final dump of what changed since the last round.
    /// </summary>
    public sealed class PredumpEngine
    {
        private readonly ITreeTransport _transport;
        private readonly MigrationOptions _options;

        public PredumpEngine(ITreeTransport transport, MigrationOptions options)
        {
            _transport = transport;
            _options = options;
        }

        /// <summary>Runs the rounds, calling <paramref name="roundDone"/> after each; on failure nothing of the series is left.</summary>
        public IReadOnlyList<PreDumpRound> Run(string name, IContainerHost source, IContainerHost destination, Action<PreDumpRound> roundDone,
            Action<string> say, Action<long>? progress, CancellationToken ct)
        {
            ContainerName.Validate(name);
            var series = new PreCopySeries(_options.ImageRoot, _options.LockRoot, name, RunId.New());
            // The migration lock: a migration or another series meanwhile would freeze or reset the container under these rounds.
            var lockDir = HostPath.Combine(_options.LockRoot, name);
            if (!source.TryLock(lockDir, RunId.Holder($"pre-dump {series.Id} of {name} to {destination.Name}"), out var current, ct))
                throw new InvalidOperationException($"'{name}' on {source.Name} is being migrated or pre-dumped already: {current}.");
            var started = false;
            try
            {
                if (source.State(name, ct)?.Status != ContainerStatus.Running)
                    throw new InvalidOperationException($"'{name}' does not run on {source.Name}; only a running container can be pre-dumped.");
                series.MarkLatest(source, ct);
                say($"Pre-dump {series.Id}: rounds go to {series.Root} on {source.Name} and {destination.Name}.");
                started = true;
                var rounds = TimeSpan.FromTicks(_options.PreCopy.MaxRounds * (_options.Runtime.CriuTimeout + _transport.StreamTimeout).Ticks);
                using var link = _transport.Open(source, destination, new LinkGrant(series.Id, new[] { series.Root }, null, rounds + LinkGrant.Margin), say, ct);
                return PreDumpRounds.Run(series, source, destination, link, _options.PreCopy, roundDone, progress, ct);
            }
            catch (Exception ex)
            {
                if (started)
                {
                    PreDumpRounds.ThawIfFrozen(source, name, say);
                    foreach (var (host, path) in new[] { (source, series.Root), (destination, series.Root), (source, series.LatestRecord) })
                    {
                        try { host.RemoveTree(path, CancellationToken.None); }
                        catch (Exception cleanup) { say($"Could not remove {path} on {host.Name}: {cleanup.Message}"); }
                    }
                }
                if (DirtyTracking.IsMissing(ex)) throw new NotSupportedException(DirtyTracking.Explain(source.Name, ex), ex);
                throw;
            }
            finally
            {
                try { source.Unlock(lockDir, CancellationToken.None); }
                catch (Exception ex) { say($"Could not remove the lock {lockDir} on {source.Name}: {ex.Message}"); }
            }
        }
    }
}
