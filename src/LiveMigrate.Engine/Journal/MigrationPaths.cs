namespace LiveMigrate.Journal
{
    /// <summary>Where one migration keeps its things on the hosts; empty until the migration has chosen them.</summary>
    public sealed class MigrationPaths
    {
        public MigrationPaths(string bundle, string imageDir, string lockDir)
        {
            Bundle = bundle;
            ImageDir = imageDir;
            LockDir = lockDir;
        }

        public string Bundle { get; }
        /// <summary>The checkpoint images, on both hosts (in post-copy without the memory, which the source serves from the frozen tasks).</summary>
        public string ImageDir { get; }
        /// <summary>The migration lock on the source.</summary>
        public string LockDir { get; }

        /// <summary>-BundleSync Delta: the source's record of what of the bundle was sent, beside the images; empty without them.</summary>
        public static string SnapshotOf(string imageDir) => imageDir.Length == 0 ? "" : imageDir + ".bundle.snar";
    }
}
