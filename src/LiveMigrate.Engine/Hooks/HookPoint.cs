namespace LiveMigrate.Hooks
{
    /// <summary>Where a migration calls its hooks.</summary>
    public enum HookPoint
    {
        /// <summary>Before the freeze: throwing aborts the migration, the source untouched.</summary>
        PreCheckpoint,
        /// <summary>Frozen, images written: throwing is reported, and rolls back with RollbackOnHookFailure.</summary>
        PostCheckpoint,
        /// <summary>Before the restore on the destination: throwing rolls back (the restore does not happen).</summary>
        PreRestore,
        /// <summary>Running on the destination: throwing is reported, and rolls back with RollbackOnHookFailure.</summary>
        PostRestore,
        /// <summary>The migration failed (before any rollback); the context has the error. Throwing is only reported.</summary>
        OnFailure,
        /// <summary>A rollback put the container back on the source. Throwing is only reported.</summary>
        OnRollback,
    }
}
