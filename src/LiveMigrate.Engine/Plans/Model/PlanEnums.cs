namespace LiveMigrate.Plans
{
    /// <summary>What a wave does after one of its migrations failed.</summary>
    public enum FailurePolicy
    {
        /// <summary>Start nothing more: the wave's running migrations finish, no later wave runs.</summary>
        Stop,
        /// <summary>Go on with the wave and the waves after it.</summary>
        Continue,
        /// <summary>As Stop, then move the wave's succeeded migrations back to their sources, newest first.</summary>
        Rollback,
    }

    public enum PlanProblemSeverity { Error, Warning }
}
