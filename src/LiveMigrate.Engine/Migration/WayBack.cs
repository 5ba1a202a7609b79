using System;
using System.Linq;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Journal;
using LiveMigrate.Network;
using LiveMigrate.PreCopy;
using LiveMigrate.Runc;

namespace LiveMigrate.Migration
{
    /// <summary>
    /// The undo of a migration past its freeze, back to the source: the destination's copy goes, the network is undone, and
    /// the source's copy runs again (it runs already, is thawed, or is restored from its images). The engine's rollback and
    /// Resume-Migration both run it, driven by the journal record of what the migration reached.
    /// </summary>
    internal sealed class WayBack
    {
        private readonly MigrationJournalRecord _record;
        private readonly IContainerHost _source;
        private readonly IContainerHost _destination;
        private readonly ContainerNetwork? _network;
        private readonly Action<string> _say;

        public WayBack(MigrationJournalRecord record, IContainerHost source, IContainerHost destination, ContainerNetwork? network, Action<string> say)
        {
            _record = record;
            _source = source;
            _destination = destination;
            _network = network;
            _say = say;
        }

        private string Name => _record.Container;

        /// <summary>The complete images on the source: in pre-copy the final dump, on top of the rounds beside it.</summary>
        public string Images => _record.ImageDir.Length == 0 ? "" : PreCopySeries.CheckpointDir(_record.ImageDir, _record.Mode);

        /// <param name="onSource">What runc reports of the container on the source now.</param>
        /// <param name="removeDestinationCopy">Removes what runs on the destination if this migration made it; throws when it cannot tell.</param>
        /// <param name="checkImages">Look for complete images before restoring from them (a resume cannot tell whether the dump finished).</param>
        public ResumeAction Run(ContainerInfo? onSource, Action removeDestinationCopy, bool checkImages, CancellationToken ct)
        {
            // Whatever runs on the destination is incomplete or unwanted: it goes before the source's copy runs.
            removeDestinationCopy();
            RejoinNetwork(ct);
            // The checkpoint failed and CRIU let the tasks go on: nothing to restore.
            if (onSource?.Status == ContainerStatus.Running) return ResumeAction.CleanedUp;
            if (onSource?.Status == ContainerStatus.Paused)
            {
                // A checkpoint, even one cut short, leaves the tasks frozen and whole (the images possibly torn).
                _say($"{Name} is frozen on {_source.Name}: thawing it.");
                // runc and CRIU are never interrupted half-way: cancellation waits for the next step.
                _source.Resume(Name, CancellationToken.None);
                RequireRunning("thawed", ct);
                return ResumeAction.Thawed;
            }
            if (_record.Mode == MigrationMode.PostCopy)
                throw new InvalidOperationException($"'{Name}' runs nowhere, and post-copy's images on {_source.Name} hold no memory: it was only in the frozen copy there, which is {Describe(onSource)}. " +
                    $"The lock {_record.LockDir} stays on {_source.Name}; look for the container by hand.");
            var images = Images;
            if (checkImages && (images.Length == 0 || !_source.Exists(HostPath.Combine(images, "inventory.img"), ct)))
                throw new InvalidOperationException($"'{Name}' runs nowhere, and {_source.Name} has no complete checkpoint at {(images.Length > 0 ? images : "(no image directory recorded)")} to restore it from. " +
                    $"The lock {_record.LockDir} stays on {_source.Name}; look for the container's images and bundle by hand.");
            _say($"{Name} runs nowhere: restoring it on {_source.Name} from {images}.");
            if (onSource != null) _source.Delete(Name, force: true, ct);
            _source.Restore(Name, _record.Bundle, images, CancellationToken.None);
            RequireRunning("restored", ct);
            return ResumeAction.RestoredOnSource;
        }

        /// <summary>
        /// Post-copy's source lets go of the frozen tasks only once nothing of the container runs on the destination: a
        /// lazy dump that still waits for or serves a client is told to end (CRIU lifts its network lock and leaves them
        /// frozen); until it has, a thaw would not let them run. Returns whether the dump is known to have ended.
        /// </summary>
        public bool EndLazyDump(Action removeDestinationCopy)
        {
            removeDestinationCopy();
            try
            {
                _source.EndLazyCheckpoint(Name, _record.ImageDir, CancellationToken.None);
                return true;
            }
            catch (Exception ex)
            {
                _say($"Could not end the lazy dump on {_source.Name}: {ex.Message}");
                // A script that ran to its end killed a dump that would not end when asked; one that could not run did not.
                return !(ex is Commands.CommandFailedException);
            }
        }

        /// <summary>
        /// The network's undo: the destination's namespace goes (nothing of the copy may answer for the addresses), then the
        /// source's copy is on the LAN again. Each step only where the record says the migration got that far.
        /// </summary>
        private void RejoinNetwork(CancellationToken ct)
        {
            if (_network == null || !_record.Reached(MigrationPhase.Checkpoint)) return;
            if (_record.Reached(MigrationPhase.Restore))
            {
                _say($"Removing the network namespace {_network.NamespacePath} from {_destination.Name}.");
                (_destination.Network ?? throw new InvalidOperationException($"{_destination.Name} cannot remove network namespaces.")).Remove(_network, ct);
            }
            _say($"Putting {Name} on {_source.Name} back on the LAN ({string.Join(", ", _network.Interfaces.SelectMany(i => i.Addresses))}).");
            (_source.Network ?? throw new InvalidOperationException($"{_source.Name} cannot handle network namespaces.")).Rejoin(_network, ct);
        }

        private void RequireRunning(string how, CancellationToken ct)
        {
            var state = _source.State(Name, ct);
            if (state?.Status != ContainerStatus.Running)
                throw new InvalidOperationException($"'{Name}' was {how} on {_source.Name}, but it is {Describe(state)}.");
        }

        private static string Describe(ContainerInfo? state) => state?.Status.ToString() ?? "no such container";
    }
}
