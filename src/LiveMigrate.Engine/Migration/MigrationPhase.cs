namespace LiveMigrate.Migration
{
    /// <summary>The steps of a migration, in order; PreDump runs only in pre-copy, Rollback only after a failure past the freeze.</summary>
    public enum MigrationPhase { Prepare, PreDump, Checkpoint, Transfer, Restore, Pages, Verify, Cleanup, Rollback }

    /// <summary>How memory travels.</summary>
    public enum MigrationMode
    {
        /// <summary>Frozen while the whole checkpoint is copied; restored from complete images.</summary>
        Stop,
        /// <summary>
        /// Frozen only while all but the memory is dumped and copied, then restored at once; the memory follows
        /// on demand from the frozen source tasks themselves (CRIU's lazy dump), which stay there until every
        /// page has arrived, so a failure at any point still rolls back to the source.
        /// </summary>
        PostCopy,
        /// <summary>
        /// Rounds of pre-dumps copy memory while the container runs, each only what changed since the one
        /// before; the freeze then dumps and copies just the last changes. Needs soft-dirty memory tracking
        /// on the source (CONFIG_MEM_SOFT_DIRTY).
        /// </summary>
        PreCopy,
    }

    public enum MigrationStatus
    {
        /// <summary>Running on the destination, nothing left on the source.</summary>
        Succeeded,
        /// <summary>Failed, and the container runs on the source as before.</summary>
        RolledBack,
        /// <summary>Failed before anything was frozen: the source was not touched.</summary>
        Aborted,
        /// <summary>Failed and the rollback failed too: the result says where the images are.</summary>
        Failed,
    }
}
