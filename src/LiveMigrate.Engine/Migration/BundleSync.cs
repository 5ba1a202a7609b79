namespace LiveMigrate.Migration
{
    /// <summary>How the container's bundle (config.json and its rootfs) reaches the destination.</summary>
    public enum BundleSync
    {
        /// <summary>Copied whole while the container is frozen, with the images.</summary>
        Full,
        /// <summary>
        /// Copied whole before the freeze, while the container runs; while frozen, only what changed since then
        /// travels (GNU tar's listed-incremental dumps: changed files, and the deletions too).
        /// </summary>
        Delta,
        /// <summary>Not copied: the bundle is on storage both hosts share, at the same path. It is never removed.</summary>
        None,
        /// <summary>
        /// The default: None when readiness found the bundle on storage both hosts share, else Delta, or Full where Delta
        /// cannot work (a host without GNU tar). Left to the engine alone (no readiness), Delta. Last, so that a journal
        /// written before it reads as Full.
        /// </summary>
        Auto,
    }
}
