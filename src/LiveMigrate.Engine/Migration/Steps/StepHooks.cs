using System;
using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Hooks;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>The caller's hooks around the steps, each with the rule of its kind, and the failures recorded in the result.</summary>
    internal sealed class StepHooks
    {
        private readonly MigrationContext _c;

        public StepHooks(MigrationContext c) { _c = c; }

        private IMigrationHooks? Hooks => _c.Options.Hooks;

        /// <summary>A hook before a step: throwing stops the migration there (an abort before the freeze, a rollback after).</summary>
        public void Before(HookPoint point, MigrationPhase phase)
        {
            if (Invoke(point, phase) is { } failure) throw new HookFailedException(point, failure);
        }

        /// <summary>A hook after a step: its failure is reported, and rolls back only when the options say so.</summary>
        public void After(HookPoint point, MigrationPhase phase)
        {
            if (!(Invoke(point, phase) is { } failure)) return;
            if (_c.Options.RollbackOnHookFailure) throw new HookFailedException(point, failure);
            _c.Say($"The {point} hook failed ({failure.Message}); going on, as RollbackOnHookFailure is not set.");
        }

        /// <summary>Runs the point's hooks, if any; their failure (but a cancellation) is recorded in the result and returned.</summary>
        private Exception? Invoke(HookPoint point, MigrationPhase phase)
        {
            if (Hooks?.Has(point) != true) return null;
            _c.Say($"Running the {point} hook.");
            try
            {
                Hooks.Invoke(point, Context(point, phase, null));
                return null;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                _c.Result._hookFailures.Add(new HookFailure(point, ex.Message));
                return ex;
            }
        }

        /// <summary>OnFailure and OnRollback: the outcome is decided, so a hook's failure is only reported.</summary>
        public void Safe(HookPoint point, MigrationPhase phase, string error)
        {
            if (Hooks?.Has(point) != true) return;
            try { Hooks.Invoke(point, Context(point, phase, error)); }
            catch (Exception ex)
            {
                _c.Result._hookFailures.Add(new HookFailure(point, ex.Message));
                _c.Say($"The {point} hook failed: {ex.Message}");
            }
        }

        public void Failed(MigrationPhase phase, Exception cause) =>
            Safe(HookPoint.OnFailure, phase, cause is OperationCanceledException ? "Cancelled." : cause.Message);

        private HookContext Context(HookPoint point, MigrationPhase phase, string? error) =>
            new HookContext(_c.Result.MigrationId, _c.Name, _c.Source.Name, _c.Destination.Name, point, phase,
                new Dictionary<MigrationPhase, TimeSpan>(_c.Result.Phases.ToDictionary(p => p.Key, p => p.Value)), _c.Total.Elapsed, error);
    }
}
