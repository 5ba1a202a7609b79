namespace LiveMigrate.Journal
{
    /// <summary>Where one migration keeps its things on the hosts; empty until the migration has chosen them.</summary>
    public sealed class MigrationPaths
    {
        public MigrationPaths(string bundle, string imageDir, string stageDir, string lockDir)
        {
            Bundle = bundle;
            ImageDir = imageDir;
            StageDir = stageDir;
            LockDir = lockDir;
        }

        public string Bundle { get; }
        /// <summary>The full checkpoint images (on the source; in Stop mode also on the destination).</summary>
        public string ImageDir { get; }
        /// <summary>Post-copy: the staged part of the images, which the destination restores from.</summary>
        public string StageDir { get; }
        /// <summary>The migration lock on the source.</summary>
        public string LockDir { get; }
    }
}
