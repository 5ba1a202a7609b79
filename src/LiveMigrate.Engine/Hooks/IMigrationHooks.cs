namespace LiveMigrate.Hooks
{
    /// <summary>
    /// The caller's hooks. The engine calls Invoke on the thread that called Move (PowerShell's pipeline
    /// thread for Move-Container); a hook fails by throwing.
    /// </summary>
    public interface IMigrationHooks
    {
        /// <summary>True when something is to run at <paramref name="point"/>.</summary>
        bool Has(HookPoint point);
        void Invoke(HookPoint point, HookContext context);
    }
}
