using System;
using System.Linq;
using LiveMigrate.Commands;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>-LazyRestore in Stop mode: every byte is copied while frozen, and the memory is filled on the destination after it runs.</summary>
    public sealed class MigrationLazyRestoreTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public MigrationLazyRestoreTests() { _s.Options.LazyRestore = true; }

        public void Dispose() => _s.Dispose();

        [Fact]
        public void Copies_the_whole_images_then_restores_lazily_from_them_with_no_page_server_or_tunnel()
        {
            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(MigrationMode.Stop, result.Mode);
            Assert.Equal(new[] { result.ImagePath!, MigrationScenario.Bundle }, _s.Transport.Copies.Single());
            Assert.Equal(result.ImagePath + " (from its own images)", _s.Destination.CallsOf(HostOp.StartLazyPages).Single().Argument);
            Assert.Single(_s.Destination.CallsOf(HostOp.RestoreLazy));
            Assert.Empty(_s.Destination.CallsOf(HostOp.Restore));
            Assert.Empty(_s.Source.CallsOf(HostOp.LazyCheckpoint));
            // The daemon fills from images here, and runs under the page guard all the same, sent ahead of the freeze.
            Assert.True(_s.Destination.CallsOf(HostOp.InstallPageGuard).Single().Seq < _s.Source.CallsOf(HostOp.Checkpoint).Single().Seq);
            Assert.Equal(new[] { MigrationScenario.Container }, _s.Destination.GuardedContainers);
            Assert.Equal(0, _s.Transport.TunnelsOpened);
            Assert.All(_s.Destination.Daemons, d => Assert.True(d.Disposed));
            Assert.Equal(new[] { "Prepare", "Checkpoint", "Transfer", "Restore", "Pages", "Verify", "Cleanup" },
                _s.Observer.PhaseEvents.Where(e => e.StartsWith("Started ")).Select(e => e.Substring(8)));
            // The source's images stay until the memory is filled: the Pages phase can still roll back.
            Assert.Empty(_s.Source.FilesUnder(result.ImagePath!));
            Assert.Empty(_s.Destination.FilesUnder(result.ImagePath!));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_fill_that_fails_kills_the_copy_and_its_daemon_before_the_source_is_thawed()
        {
            _s.Destination.DaemonResult = new CommandResult(1, "", "Error (criu/uffd.c:1020): uffd: Failed to read pages", TimeSpan.Zero);

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Pages, ex.FailedPhase);
            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Contains("Failed to read pages", ex.Message);
            Assert.Contains(_s.Destination.Calls, c => c.Op == HostOp.Delete && c.Argument == "web --force");
            Assert.Equal(ex.Result.ImagePath, _s.Destination.CallsOf(HostOp.StopPageDaemons).Single().Argument);
            Assert.Single(_s.Source.CallsOf(HostOp.Resume));
            var killed = _s.Destination.Calls.FindIndex(c => c.Op == HostOp.Delete);
            Assert.True(killed >= 0);
            Assert.Empty(_s.Destination.FilesUnder(ex.Result.ImagePath!));
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void Is_ignored_by_post_copy_which_always_restores_lazily_from_the_source()
        {
            _s.Options.Mode = MigrationMode.PostCopy;

            var result = _s.Migrate();

            Assert.Equal(result.ImagePath, _s.Destination.CallsOf(HostOp.StartLazyPages).Single().Argument);
            Assert.Single(_s.Source.CallsOf(HostOp.LazyCheckpoint));
            _s.AssertInvariant(result);
        }
    }
}
