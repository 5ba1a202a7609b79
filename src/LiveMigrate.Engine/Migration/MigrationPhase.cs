namespace LiveMigrate.Migration
{
    /// <summary>The steps of a migration, in order; Rollback runs only after a failure past the freeze.</summary>
    public enum MigrationPhase { Prepare, Checkpoint, Transfer, Restore, Verify, Cleanup, Rollback }

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
