namespace LiveMigrate.Migration.Steps
{
    /// <summary>
    /// One step of a migration: journaled as the phase it belongs to, with its forward action and its undo. After a failure
    /// the undo of every step begun runs, the last first (see <see cref="MigrationEngine"/>).
    /// </summary>
    internal abstract class MigrationStep
    {
        /// <summary>Unique among the steps; what fault injection and messages name.</summary>
        public string Name => Phase.ToString();

        public abstract MigrationPhase Phase { get; }

        /// <summary>Whether the step runs in this migration at all (PreDump only in pre-copy, Pages only with lazy memory).</summary>
        public virtual bool Applies(MigrationContext c) => true;

        public abstract string Describe(MigrationContext c);

        public abstract void Forward(MigrationContext c);

        /// <summary>Takes back what <see cref="Forward"/> did, or began; runs with no cancellation, reporting what it cannot tidy.</summary>
        public virtual void Undo(MigrationContext c) { }
    }
}
