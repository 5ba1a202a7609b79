namespace LiveMigrate.Migration.Steps
{
    /// <summary>The images (pre-copy: the final dump only, the rounds are there) and the bundle or what changed of it, while frozen.</summary>
    internal sealed class TransferStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.Transfer;

        public override string Describe(MigrationContext c) => $"Streaming images and bundle to {c.Destination.Name}";

        public override void Forward(MigrationContext c)
        {
            var images = c.PreCopy ? c.CheckpointDir : c.ImageDir;
            var paths = c.SharedBundle ? new[] { images } : new[] { images, c.Bundle };
            c.Result.BytesTransferred = c.Transport.Copy(c.Source, c.Destination, paths, c.Observer.TransferProgress, c.Ct,
                c.Sync == BundleSync.Delta ? c.Snapshot : null);
        }
    }
}
