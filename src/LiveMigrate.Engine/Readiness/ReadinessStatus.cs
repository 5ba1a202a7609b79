namespace LiveMigrate.Readiness
{
    /// <summary>Pass: fine. Warn: works, but worse than it could. Fail: the migration would fail. Skipped: could not be checked or does not apply.</summary>
    public enum ReadinessStatus { Pass, Warn, Fail, Skipped }
}
