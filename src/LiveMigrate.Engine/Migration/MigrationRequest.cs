using System;
using LiveMigrate.Runc;

namespace LiveMigrate.Migration
{
    /// <summary>
    /// One migration as asked for, by Move-Container's parameters or a plan's keys: the container, the mode (or Auto), how
    /// the engine runs it, and the readiness gate before it. <see cref="MigrationCoordinator"/> settles it into what runs.
    /// </summary>
    public sealed class MigrationRequest
    {
        public MigrationRequest(ContainerName? container)
        {
            Container = container;
        }

        /// <summary>Null only for readiness of the hosts alone (Test-MigrationReadiness without -Name).</summary>
        public ContainerName? Container { get; }

        /// <summary>Null is Auto: the coordinator picks the mode from readiness (<see cref="Readiness.ModeChoice"/>).</summary>
        public MigrationMode? Mode { get; set; } = MigrationMode.Stop;

        /// <summary>
        /// Everything else the engine reads (bundle sync, transfer route, lazy restore, timeouts, settle time, images,
        /// hooks, pre-copy policy and predump id); its Mode and Journal are the coordinator's to set.
        /// </summary>
        public MigrationOptions Options { get; private set; } = new MigrationOptions();

        public ReadinessPolicy Readiness { get; private set; } = new ReadinessPolicy();

        /// <summary>An independent copy: a plan runs one entry more than once (a wave's rollback moves it back).</summary>
        public MigrationRequest Copy(ContainerName? container = null) => new MigrationRequest(container ?? Container)
        {
            Mode = Mode,
            Options = Options.Copy(),
            Readiness = Readiness.Copy(),
        };

        /// <summary>
        /// The way back of a moved container (a plan wave's rollback): no readiness, so Auto is Stop, and no staged pre-dump
        /// of the way there.
        /// </summary>
        public MigrationRequest Return()
        {
            var back = Copy();
            back.Mode = Mode ?? MigrationMode.Stop;
            back.Options.PredumpId = null;
            back.Readiness.Skip = true;
            return back;
        }
    }

    /// <summary>Whether and how readiness checks gate a migration before anything is frozen.</summary>
    public sealed class ReadinessPolicy
    {
        /// <summary>Move without the checks (Auto then means Stop).</summary>
        public bool Skip { get; set; }
        /// <summary>Move even though checks warned; a failed check still refuses.</summary>
        public bool Force { get; set; }
        /// <summary>A downtime estimate above this is a Warn; null sets no limit.</summary>
        public TimeSpan? MaxDowntime { get; set; }
        /// <summary>No throwaway container on the hosts (the downtime is then not estimated).</summary>
        public bool NoCanary { get; set; }
        public TimeSpan CanaryTimeout { get; set; } = TimeSpan.FromSeconds(10);

        public ReadinessPolicy Copy() => (ReadinessPolicy)MemberwiseClone();
    }
}
