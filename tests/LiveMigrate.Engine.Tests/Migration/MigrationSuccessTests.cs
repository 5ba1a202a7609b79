using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    public sealed class MigrationSuccessTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Fact]
        public void Moves_the_container_and_reports_success()
        {
            _s.Transport.Delay = TimeSpan.FromMilliseconds(20);

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("hostB", result.RunningOn);
            Assert.Equal(("web", "hostA", "hostB"), (result.Container, result.Source, result.Destination));
            Assert.True(_s.Destination.IsRunning(MigrationScenario.Container));
            _s.AssertNoEntryLeftOn(_s.Source);
            Assert.Null(result.Error);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Runs_the_phases_in_order_and_times_each()
        {
            var result = _s.Migrate();

            var expected = new[] { MigrationPhase.Prepare, MigrationPhase.Checkpoint, MigrationPhase.Transfer, MigrationPhase.Restore, MigrationPhase.Verify, MigrationPhase.Cleanup };
            Assert.Equal(expected.SelectMany(p => new[] { $"Started {p}", $"Completed {p}" }), _s.Observer.PhaseEvents);
            Assert.Equal(expected.OrderBy(p => p), result.Phases.Keys.OrderBy(p => p));
            Assert.Equal(TimeSpan.Zero, result.RollbackTime);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Checkpoints_on_the_source_then_restores_on_the_destination_from_the_same_paths()
        {
            var result = _s.Migrate();

            Assert.Equal(new[] { new HostCall(HostOp.Checkpoint, "web") }, _s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Equal(new[] { new HostCall(HostOp.Restore, "web") }, _s.Destination.CallsOf(HostOp.Restore));
            Assert.Empty(_s.Source.CallsOf(HostOp.Restore));
            Assert.StartsWith(MigrationScenario.ImageRoot + "/web-", result.ImagePath);
            Assert.Equal(new[] { new[] { result.ImagePath!, MigrationScenario.Bundle } }, _s.Transport.Copies);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Counts_the_pages_the_dump_wrote_reading_CRIU_s_statistics_only_once_the_container_runs_there()
        {
            var result = _s.Migrate();

            Assert.Equal((100L, 0L, 100L), (result.FinalPagesWritten, result.PostCopyPages, result.PagesMoved));
            Assert.True(_s.Source.CallsOf(HostOp.ReadDumpStats).Single().Seq > _s.Destination.CallsOf(HostOp.Restore).Single().Seq);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Unreadable_statistics_are_reported_and_the_migration_still_succeeds()
        {
            _s.Source.FailOn(HostOp.ReadDumpStats, "cat: stats-dump: No such file or directory");

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(0, result.PagesMoved);
            Assert.Contains(_s.Observer.Messages, m => m.Contains("Could not read CRIU's statistics") && m.Contains("No such file"));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Removes_bundle_and_images_from_the_source_and_images_from_the_destination()
        {
            var result = _s.Migrate();

            Assert.Empty(_s.Source.FilesUnder(MigrationScenario.Bundle));
            Assert.Empty(_s.Source.FilesUnder(result.ImagePath!));
            Assert.Empty(_s.Destination.FilesUnder(result.ImagePath!));
            Assert.True(_s.Destination.PathExists(MigrationScenario.Bundle + "/config.json"));
            Assert.True(_s.Destination.PathExists(MigrationScenario.Bundle + "/rootfs/bin/sh"));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void KeepImages_keeps_the_images_on_the_destination()
        {
            _s.Options.KeepImages = true;

            var result = _s.Migrate();

            Assert.True(_s.Destination.PathExists(result.ImagePath + "/inventory.img"));
            Assert.True(_s.Destination.PathExists(result.ImagePath + "/pages-1.img"));
            Assert.Empty(_s.Source.FilesUnder(MigrationScenario.Bundle));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Downtime_spans_the_frozen_transfer_and_lies_within_the_whole_run()
        {
            _s.Transport.Delay = TimeSpan.FromMilliseconds(30);

            var result = _s.Migrate();

            Assert.True(result.Downtime >= TimeSpan.FromMilliseconds(30), $"downtime {result.Downtime}");
            Assert.True(result.Downtime <= result.Duration, $"downtime {result.Downtime} > duration {result.Duration}");
            Assert.True(result.TransferTime >= TimeSpan.FromMilliseconds(30));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void BytesTransferred_is_what_the_transport_reported_and_progress_reaches_the_observer()
        {
            var result = _s.Migrate();

            Assert.True(_s.Transport.LastBytes > 0);
            Assert.Equal(_s.Transport.LastBytes, result.BytesTransferred);
            Assert.Equal(_s.Transport.LastBytes, _s.Observer.Progress.Last());
            Assert.True(_s.Observer.Progress.SequenceEqual(_s.Observer.Progress.OrderBy(b => b)));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Keeps_the_source_frozen_until_the_destination_runs_then_kills_it_there()
        {
            ContainerStatus? atRestore = null;
            _s.Observer.OnEvent = e =>
            {
                if (e == new ObserverEvent(ObserverEventKind.Started, MigrationPhase.Restore)) atRestore = _s.Source.StatusOf("web");
            };

            var result = _s.Migrate();

            Assert.Equal(ContainerStatus.Paused, atRestore);
            Assert.Equal(new[] { new HostCall(HostOp.Delete, "web --force") }, _s.Source.CallsOf(HostOp.Delete));
            Assert.Empty(_s.Source.CallsOf(HostOp.Resume));
            _s.AssertNoEntryLeftOn(_s.Source);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Deletes_a_stopped_entry_that_runc_left_on_the_source()
        {
            _s.Source.CheckpointLeavesStoppedEntry = true;

            var result = _s.Migrate();

            Assert.Equal(new[] { new HostCall(HostOp.Delete, "web --force") }, _s.Source.CallsOf(HostOp.Delete));
            _s.AssertNoEntryLeftOn(_s.Source);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Never_kills_a_source_copy_that_someone_resumed_and_says_so()
        {
            _s.Observer.OnEvent = e =>
            {
                if (e == new ObserverEvent(ObserverEventKind.Started, MigrationPhase.Cleanup)) _s.Source.SetStatus("web", ContainerStatus.Running);
            };

            var result = _s.Migrate();

            Assert.Empty(_s.Source.CallsOf(HostOp.Delete));
            Assert.Contains(_s.Observer.Messages, m => m.Contains("runs on hostA too: someone resumed the frozen copy there"));
        }

        [Fact]
        public void Leaves_a_bundle_that_is_too_close_to_the_root_and_says_so()
        {
            using var s = new MigrationScenario();
            s.Source.RemoveContainer("web");
            s.Source.WithContainer("web", "/srv/web");

            var result = s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.True(s.Source.PathExists("/srv/web/config.json"));
            Assert.DoesNotContain(new HostCall(HostOp.RemoveTree, "/srv/web"), s.Source.Calls);
            Assert.Contains(s.Observer.Messages, m => m.Contains("/srv/web") && m.Contains("too close to /"));
            s.AssertInvariant(result);
        }

        [Fact]
        public void Waits_the_settle_time_and_checks_the_restored_container_again()
        {
            _s.Options.SettleTime = TimeSpan.FromMilliseconds(40);

            var result = _s.Migrate();

            Assert.True(result.VerifyTime >= TimeSpan.FromMilliseconds(40), $"verify took {result.VerifyTime}");
            Assert.True(_s.Destination.CallsOf(HostOp.State).Count(c => c.Argument == "web") >= 3, "prepare, first check and settle check");
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_cleanup_removal_that_fails_is_reported_not_thrown()
        {
            _s.Source.FailOn(HostOp.RemoveTree, "rm: cannot remove: Device or resource busy");

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Contains(_s.Observer.Messages, m => m.Contains("Device or resource busy"));
            _s.AssertInvariant(result);
        }
    }
}
