using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Plans;
using LiveMigrate.Plans.Execution;
using LiveMigrate.Threading;
using LiveMigrate.Tests.Fakes;

namespace LiveMigrate.Tests.Plans.Execution
{
    /// <summary>A WaveScheduler over fake migrations, with its dispatcher and a recording observer, made on the test's thread.</summary>
    internal sealed class SchedulerHarness
    {
        public FakeMigrations Fake { get; } = new FakeMigrations();
        public RecordingPlanObserver Observer { get; } = new RecordingPlanObserver();
        public CallerThreadDispatcher Dispatcher { get; } = new CallerThreadDispatcher();

        public PlanRunResult Run(IReadOnlyList<PlanWave> waves, CancellationToken token = default) =>
            new WaveScheduler(Fake.Migrate, Fake.RollBack, Dispatcher, Observer).Run(waves, token);

        /// <summary>The status of each migration, by container.</summary>
        public static Dictionary<string, PlannedMigrationStatus> Statuses(PlanRunResult result) =>
            result.Migrations.ToDictionary(m => m.Migration.Container, m => m.Status);
    }
}
