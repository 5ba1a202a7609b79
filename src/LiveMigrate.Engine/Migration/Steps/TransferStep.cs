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
            var snapshot = c.Sync == BundleSync.Delta ? c.Snapshot : null;
            long sent = 0;
            if (snapshot != null && c.DumpedToPageServer && !c.SharedBundle)
            {
                // A listed-incremental stream deletes what it does not list in each folder it carries: the page server's
                // pages there would go. The images go in a plain stream of their own.
                sent = c.Transport.Copy(c.Source, c.Destination, new[] { images }, c.Observer.TransferProgress, c.Ct);
                sent += c.Transport.Copy(c.Source, c.Destination, new[] { c.Bundle }, b => c.Observer.TransferProgress(sent + b), c.Ct, snapshot);
            }
            else
            {
                var paths = c.SharedBundle ? new[] { images } : new[] { images, c.Bundle };
                sent = c.Transport.Copy(c.Source, c.Destination, paths, c.Observer.TransferProgress, c.Ct, snapshot);
            }
            c.Result.BytesTransferred = sent;
        }
    }
}
