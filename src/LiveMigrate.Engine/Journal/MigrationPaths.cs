namespace LiveMigrate.Journal
{
    /// <summary>Where one migration keeps its things on the hosts; empty until the migration has chosen them.</summary>
    public sealed class MigrationPaths
    {
        public MigrationPaths(string bundle, string imageDir, string lockDir, string destinationLockDir, Network.ContainerNetwork? network = null)
        {
            Network = network;
            Bundle = bundle;
            ImageDir = imageDir;
            LockDir = lockDir;
            DestinationLockDir = destinationLockDir;
        }

        public string Bundle { get; }
        /// <summary>The checkpoint images, on both hosts (in post-copy without the memory, which the source serves from the frozen tasks).</summary>
        public string ImageDir { get; }
        /// <summary>The migration lock on the source.</summary>
        public string LockDir { get; }
        /// <summary>The lock of the container's name on the destination, which keeps another move or restore of that name away meanwhile.</summary>
        public string DestinationLockDir { get; }
        /// <summary>The container's network namespace that the migration rebuilds on the destination, if any.</summary>
        public Network.ContainerNetwork? Network { get; }

        /// <summary>-BundleSync Delta: the source's record of what of the bundle was sent, beside the images; empty without them.</summary>
        public static string SnapshotOf(string imageDir) => imageDir.Length == 0 ? "" : imageDir + ".bundle.snar";
    }
}
