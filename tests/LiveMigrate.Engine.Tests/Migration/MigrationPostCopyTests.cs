using System;
using System.Linq;
using LiveMigrate.Commands;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>Post-copy: a lazy dump on the source, a restore from images without memory, the pages through a tunnel afterwards.</summary>
    public sealed class MigrationPostCopyTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public MigrationPostCopyTests() { _s.Options.Mode = MigrationMode.PostCopy; }

        public void Dispose() => _s.Dispose();

        private long First(FakeContainerHost host, HostOp op) => host.CallsOf(op).First().Seq;

        [Fact]
        public void Dumps_lazily_restores_from_the_images_and_waits_for_every_page()
        {
            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(MigrationMode.PostCopy, result.Mode);
            Assert.Equal(new[] { result.ImagePath!, MigrationScenario.Bundle }, _s.Transport.Copies.Single());
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Equal(result.ImagePath, _s.Source.CallsOf(HostOp.LazyCheckpoint).Single().Argument);
            Assert.Equal(result.ImagePath, _s.Destination.CallsOf(HostOp.StartLazyPages).Single().Argument);
            Assert.Single(_s.Destination.CallsOf(HostOp.RestoreLazy));
            Assert.Empty(_s.Destination.CallsOf(HostOp.Restore));
            Assert.Equal(1, _s.Transport.TunnelsOpened);
            Assert.Empty(_s.Transport.Tunnels);
            Assert.All(_s.Source.Daemons.Concat(_s.Destination.Daemons), d => Assert.True(d.Disposed));
            Assert.True(result.PagesTime > TimeSpan.Zero);
            Assert.Equal(new[] { "Prepare", "Checkpoint", "Transfer", "Restore", "Pages", "Verify", "Cleanup" },
                _s.Observer.PhaseEvents.Where(e => e.StartsWith("Started ")).Select(e => e.Substring(8)));
            // The frozen copy the dump left goes only after the pages are all there.
            Assert.True(First(_s.Source, HostOp.Delete) > First(_s.Source, HostOp.EndLazyCheckpoint));
            Assert.False(_s.Source.HasContainer(MigrationScenario.Container));
            // Nothing of the memory was written while frozen; all of it was fetched afterwards, as CRIU counted.
            Assert.Equal((0L, 16384L, 16384L), (result.FinalPagesWritten, result.PostCopyPages, result.PagesMoved));
            Assert.True(_s.Source.CallsOf(HostOp.ReadDumpStats).Single().Seq > First(_s.Destination, HostOp.RestoreLazy));
            Assert.Empty(_s.Source.FilesUnder(result.ImagePath!));
            Assert.Empty(_s.Destination.FilesUnder(result.ImagePath!));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void The_page_guard_is_on_the_destination_before_the_freeze_and_guards_the_container_s_daemon()
        {
            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.True(First(_s.Destination, HostOp.InstallPageGuard) < First(_s.Source, HostOp.LazyCheckpoint));
            Assert.Equal(new[] { MigrationScenario.Container }, _s.Destination.GuardedContainers);
        }

        [Fact]
        public void A_destination_that_cannot_take_the_page_guard_aborts_the_move_before_the_freeze()
        {
            _s.Destination.FailOn(HostOp.InstallPageGuard, "The page guard program /opt/lm/page-guard cannot be read");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains("page guard", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.LazyCheckpoint));
            Assert.Equal(ContainerStatus.Running, _s.Source.StatusOf(MigrationScenario.Container));
        }

        [Fact]
        public void A_page_transfer_that_breaks_kills_the_copy_then_ends_the_dump_then_thaws_the_source()
        {
            _s.Destination.DaemonResult = new CommandResult(1, "", "Error (criu/uffd.c:1076): uffd: Lazy pages transfer FAILED", TimeSpan.Zero);

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Pages, ex.FailedPhase);
            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Contains("Lazy pages transfer FAILED", ex.Message);
            // Closing a channel does not end a remote process: the destination's daemon is killed by name.
            Assert.Equal(ex.Result.ImagePath, _s.Destination.CallsOf(HostOp.StopPageDaemons).Single().Argument);
            // The copy there goes before the source's tasks are let go, and they are thawed only once the dump has ended.
            var killed = _s.Destination.CallsOf(HostOp.Delete).Single(c => c.Argument == "web --force").Seq;
            var ended = _s.Source.CallsOf(HostOp.EndLazyCheckpoint).Single(c => c.Seq > killed).Seq;
            Assert.True(First(_s.Source, HostOp.Resume) > ended);
            Assert.Null(_s.Source.RestoredFrom);
            Assert.Empty(_s.Transport.Tunnels);
            Assert.All(_s.Source.Daemons.Concat(_s.Destination.Daemons), d => Assert.True(d.Disposed));
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_lazy_dump_that_fails_before_its_images_are_written_thaws_the_source_and_touches_nothing_there()
        {
            // runc paused the container, then CRIU failed: the tasks are frozen and whole.
            _s.Source.FailOn(HostOp.LazyCheckpoint, "criu failed: type NOTIFY errno 0", h => h.Freeze(MigrationScenario.Container));

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Checkpoint, ex.FailedPhase);
            Assert.Contains("type NOTIFY", ex.Message);
            Assert.Empty(_s.Transport.Copies);
            Assert.Empty(_s.Destination.MutatingCalls);
            Assert.Single(_s.Source.CallsOf(HostOp.EndLazyCheckpoint));
            Assert.Single(_s.Source.CallsOf(HostOp.Resume));
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_restore_that_fails_ends_the_dump_still_waiting_for_its_client_and_thaws_the_source()
        {
            _s.Destination.FailOn(HostOp.RestoreLazy, "criu failed: type RESTORE errno 0");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Restore, ex.FailedPhase);
            // While its dump waits, CRIU holds the tasks by ptrace: a thaw before it has ended would not let them run.
            Assert.True(First(_s.Source, HostOp.Resume) > First(_s.Source, HostOp.EndLazyCheckpoint));
            Assert.Single(_s.Destination.CallsOf(HostOp.StopPageDaemons));
            Assert.All(_s.Source.Daemons.Concat(_s.Destination.Daemons), d => Assert.True(d.Disposed));
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_lazy_dump_that_ends_badly_after_every_page_arrived_still_rolls_back()
        {
            // All pages in, but the source's CRIU reports a failure: the copy cannot be trusted to be whole.
            _s.Source.DaemonResult = new CommandResult(1, "", "Error (criu/cr-dump.c:2019): Lazy pages transfer FAILED.", TimeSpan.Zero);

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Pages, ex.FailedPhase);
            Assert.Contains("lazy dump on hostA failed", ex.Message);
            Assert.False(_s.Destination.HasContainer(MigrationScenario.Container));
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_dump_that_had_to_be_killed_is_reported_and_the_source_still_thawed()
        {
            _s.Destination.FailOn(HostOp.RestoreLazy, "criu failed: type RESTORE errno 0");
            // "end" had to kill CRIU: the freezer keeps the tasks frozen.
            _s.Source.FailOn(HostOp.EndLazyCheckpoint, "lazy-dump.sh failed on hostA (exit 1): the lazy dump did not end when asked, and was killed",
                h => h.EndLazyDump(MigrationScenario.Container));

            var ex = _s.MigrateFailing();

            Assert.Contains(_s.Observer.Messages, m => m.Contains("did not end when asked"));
            Assert.Single(_s.Source.CallsOf(HostOp.Resume));
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_frozen_copy_gone_from_the_source_fails_the_rollback_instead_of_restoring_images_without_memory()
        {
            _s.Destination.FailOn(HostOp.RestoreLazy, "criu failed: type RESTORE errno 0", _ => _s.Source.RemoveContainer(MigrationScenario.Container));

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Failed, ex.Result.Status);
            Assert.Contains("hold no memory", ex.Result.RollbackError);
            Assert.Contains("that frozen copy is the only one", ex.Message);
            Assert.DoesNotContain("runc restore", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Restore));
        }

        [Fact]
        public void Opens_the_page_tunnel_before_the_freeze_and_aborts_there_if_it_cannot()
        {
            var result = _s.Migrate();
            Assert.Equal(0, _s.Transport.CheckpointsBeforeTunnel);
            _s.AssertInvariant(result);

            using var again = new MigrationScenario();
            again.Options.Mode = MigrationMode.PostCopy;
            again.Transport.TunnelFailure = "remote port forwarding failed for listen port 27000";

            var ex = again.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Equal(MigrationPhase.Prepare, ex.FailedPhase);
            Assert.Contains("remote port forwarding failed", ex.Message);
            Assert.Empty(again.Source.CallsOf(HostOp.LazyCheckpoint));
            Assert.Empty(again.Transport.OpenLinks);
            Assert.True(again.Source.IsRunning(MigrationScenario.Container));
            Assert.Empty(again.Source.FilesUnder(ex.Result.ImagePath!));
            Assert.Empty(again.Destination.MutatingCalls);
        }

        [Fact]
        public void Closes_both_page_ports_to_other_users_before_the_tunnel_opens_and_reopens_them_at_the_end()
        {
            var result = _s.Migrate();

            var onSource = _s.Source.CallsOf(HostOp.GuardPort).Single();
            var onDestination = _s.Destination.CallsOf(HostOp.GuardPort).Single();
            Assert.StartsWith(result.MigrationId + ":", onSource.Argument);
            Assert.StartsWith(result.MigrationId + ":", onDestination.Argument);
            Assert.True(onSource.Seq < First(_s.Source, HostOp.LazyCheckpoint));
            Assert.Equal(0, _s.Transport.CheckpointsBeforeTunnel);
            Assert.Contains(_s.Observer.Messages, m => m.Contains("closed to every process but the migration's page clients"));
            Assert.Equal(result.MigrationId, _s.Source.CallsOf(HostOp.UnguardPorts).Single().Argument);
            Assert.Equal(result.MigrationId, _s.Destination.CallsOf(HostOp.UnguardPorts).Single().Argument);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Guards_both_page_ports_before_the_link_exists_so_that_its_ssh_is_let_through_as_a_page_client()
        {
            _s.Migrate();

            Assert.Equal(2, _s.Transport.GuardsBeforeOpen);
        }

        [Fact]
        public void Keeps_the_source_guard_while_its_lazy_dump_may_still_listen()
        {
            _s.Destination.FailOn(HostOp.RestoreLazy, "criu failed: type RESTORE errno 0");
            // The source drops off just as the rollback asks its lazy dump to end.
            _s.Source.BecomeUnreachableAt(HostOp.EndLazyCheckpoint);

            var ex = _s.MigrateFailing();

            Assert.Equal(new[] { _s.Source.CallsOf(HostOp.GuardPort).Single().Argument.Split(':')[1] },
                _s.Source.GuardedPorts[ex.Result.MigrationId].Select(p => p.ToString()));
            Assert.Contains(_s.Observer.Messages, m => m.Contains("Kept the page port's guard on hostA") && m.Contains("livemigrate-pages-" + ex.Result.MigrationId));
            Assert.Empty(_s.Destination.GuardedPorts);
        }

        [Fact]
        public void A_port_that_cannot_be_guarded_aborts_before_the_freeze()
        {
            _s.Destination.FailOn(HostOp.GuardPort, "port-guard.sh failed on hostB (exit 1): neither iptables nor nft is installed to keep other users off the page port");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains("neither iptables nor nft", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.LazyCheckpoint));
            Assert.Equal(0, _s.Transport.TunnelsOpened);
            // The source's guard, already in place, is lifted.
            Assert.Single(_s.Source.CallsOf(HostOp.UnguardPorts));
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void A_guard_that_cannot_be_lifted_is_reported_and_the_outcome_stands()
        {
            _s.Destination.FailOn(HostOp.UnguardPorts, "iptables: Resource temporarily unavailable");

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Contains(_s.Observer.Messages, m => m.Contains("Could not remove the page port's guard on hostB") && m.Contains("livemigrate-pages-" + result.MigrationId));
            Assert.Empty(_s.Source.GuardedPorts);
        }
    }
}
