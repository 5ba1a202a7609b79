using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    public sealed class MigrationObserverTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Fact]
        public void Every_started_phase_is_completed_before_the_next_starts()
        {
            _s.Destination.RestoredContainerDiesAfterStateCalls = 0;

            var ex = _s.MigrateFailing();

            var open = (MigrationPhase?)null;
            foreach (var e in _s.Observer.Events.Where(e => e.Kind != ObserverEventKind.Progress))
            {
                if (e.Kind == ObserverEventKind.Started)
                {
                    Assert.Null(open);
                    open = e.Phase;
                }
                else
                {
                    Assert.Equal(open, e.Phase);
                    open = null;
                }
            }
            Assert.Null(open);
            Assert.Equal(MigrationPhase.Rollback, _s.Observer.Events.Last().Phase);
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void Progress_arrives_only_inside_the_transfer_phase()
        {
            var result = _s.Migrate();

            var events = _s.Observer.Events;
            var start = events.IndexOf(new ObserverEvent(ObserverEventKind.Started, MigrationPhase.Transfer));
            var end = events.IndexOf(new ObserverEvent(ObserverEventKind.Completed, MigrationPhase.Transfer));
            var progress = Enumerable.Range(0, events.Count).Where(i => events[i].Kind == ObserverEventKind.Progress).ToList();
            Assert.NotEmpty(progress);
            Assert.All(progress, i => Assert.InRange(i, start + 1, end - 1));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_null_observer_is_allowed()
        {
            var result = _s.MigrateWithoutObserver();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            _s.AssertInvariant(result);
        }
    }
}
