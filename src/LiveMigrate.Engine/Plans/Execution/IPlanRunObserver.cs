namespace LiveMigrate.Plans.Execution
{
    /// <summary>What a <see cref="WaveScheduler"/> reports as a plan runs; every call comes on the thread that called Run.</summary>
    public interface IPlanRunObserver
    {
        void WaveStarted(PlanWave wave);
        void MigrationStarted(PlannedMigration migration);
        /// <summary>The migration's own end; a wave rollback may still change its outcome before <see cref="WaveCompleted"/>.</summary>
        void MigrationCompleted(PlannedMigrationOutcome outcome);
        void RollbackStarted(PlannedMigrationOutcome outcome);
        /// <summary>Called for every wave, run or not, with the final outcome of each of its migrations.</summary>
        void WaveCompleted(WaveOutcome wave);
    }
}
