using System;
using LiveMigrate.Runc;

namespace LiveMigrate.Migration
{
    public sealed class MigrationOptions
    {
        public RuntimeOptions Runtime { get; set; } = new RuntimeOptions();
        public MigrationMode Mode { get; set; } = MigrationMode.Stop;
        /// <summary>Where checkpoint images are written, on both hosts.</summary>
        public string ImageRoot { get; set; } = "/var/lib/livemigrate/images";
        /// <summary>Where the per-container locks live, on both hosts.</summary>
        public string LockRoot { get; set; } = Runc.ContainerLock.DefaultRoot;
        public TimeSpan TransferTimeout { get; set; } = TimeSpan.FromMinutes(30);
        /// <summary>Read by whoever builds the transport (<see cref="Transfer.SshTreeTransport"/>).</summary>
        public Transfer.TransferRoute TransferRoute { get; set; } = Transfer.TransferRoute.Auto;
        /// <summary>How long the restored container must keep running before the source is cleaned up.</summary>
        public TimeSpan SettleTime { get; set; } = TimeSpan.FromMilliseconds(300);
        /// <summary>Keep the checkpoint images on the destination after a success (the source's always go).</summary>
        public bool KeepImages { get; set; }
        /// <summary>
        /// Stop and PreCopy: the destination restores the container's state without its memory and runs it at once, while
        /// a local daemon fills the memory from the transferred images (PostCopy always restores so). Null (Auto) is settled
        /// before the move by whoever ran readiness (<see cref="Readiness.RestoreChoice"/>); left null, the restore is eager.
        /// </summary>
        public bool? LazyRestore { get; set; }
        /// <summary>
        /// Stop: the final dump sends the memory into CRIU's page server on the destination as it reads it, over the direct
        /// link, instead of writing it on the source for the Transfer step (where it cannot, it does the latter and says
        /// why). Null (Auto) is settled before the move by whoever ran readiness (<see cref="Readiness.StreamChoice"/>);
        /// left null, the memory is dumped on the source.
        /// </summary>
        public bool? StreamMemory { get; set; }
        /// <summary>Auto is settled before the move by whoever ran readiness (<see cref="Readiness.BundleSyncChoice"/>); left Auto, the engine uses Delta.</summary>
        public BundleSync BundleSync { get; set; } = BundleSync.Auto;
        /// <summary>How the tree streams are compressed; Auto is settled before the move by whoever ran readiness (<see cref="Readiness.CompressionChoice"/>), left Auto, none.</summary>
        public Transfer.StreamCompression Compression { get; set; } = Transfer.StreamCompression.Auto;
        /// <summary>The caller's hooks; null runs none.</summary>
        public Hooks.IMigrationHooks? Hooks { get; set; }
        /// <summary>A PostCheckpoint or PostRestore hook that throws rolls the migration back (otherwise it is only reported).</summary>
        public bool RollbackOnHookFailure { get; set; }
        /// <summary>When pre-copy rounds stop (-Mode PreCopy).</summary>
        public PreCopy.PreCopyPolicy PreCopy { get; set; } = new PreCopy.PreCopyPolicy();
        /// <summary>Pre-copy from rounds Invoke-ContainerPredump staged under this id, instead of running new ones.</summary>
        public string? PredumpId { get; set; }
        /// <summary>Records each phase on the controller, so that Resume-Migration can end a migration whose controller died; null keeps none.</summary>
        public Journal.IMigrationJournal? Journal { get; set; }

        /// <summary>A copy whose runtime options and pre-copy policy are its own; hooks and journal are shared.</summary>
        public MigrationOptions Copy()
        {
            var copy = (MigrationOptions)MemberwiseClone();
            copy.Runtime = Runtime.Copy();
            copy.PreCopy = PreCopy.Copy();
            return copy;
        }
    }
}
