using System;
using System.Linq;
using LiveMigrate.Commands;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>Post-copy: restore from the staged part of the images, memory through a tunnel afterwards.</summary>
    public sealed class MigrationPostCopyTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public MigrationPostCopyTests() { _s.Options.Mode = MigrationMode.PostCopy; }

        public void Dispose() => _s.Dispose();

        [Fact]
        public void Restores_from_the_staged_images_and_waits_for_every_page()
        {
            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(MigrationMode.PostCopy, result.Mode);
            var stage = result.ImagePath + ".lazy";
            Assert.Equal(new[] { stage, MigrationScenario.Bundle }, _s.Transport.Copies.Single());
            Assert.Single(_s.Destination.CallsOf(HostOp.RestoreLazy));
            Assert.Empty(_s.Destination.CallsOf(HostOp.Restore));
            Assert.Equal(result.ImagePath, _s.Source.CallsOf(HostOp.StartPageServer).Single().Argument);
            Assert.Equal(stage, _s.Destination.CallsOf(HostOp.StartLazyPages).Single().Argument);
            Assert.Equal(1, _s.Transport.TunnelsOpened);
            Assert.Empty(_s.Transport.Tunnels);
            Assert.All(_s.Source.Daemons.Concat(_s.Destination.Daemons), d => Assert.True(d.Disposed));
            Assert.True(result.PagesTime > TimeSpan.Zero);
            Assert.Equal(new[] { "Prepare", "Checkpoint", "Transfer", "Restore", "Pages", "Verify", "Cleanup" },
                _s.Observer.PhaseEvents.Where(e => e.StartsWith("Started ")).Select(e => e.Substring(8)));
            Assert.Empty(_s.Source.FilesUnder(stage));
            Assert.Empty(_s.Source.FilesUnder(result.ImagePath!));
            Assert.Empty(_s.Destination.FilesUnder(stage));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_page_transfer_that_breaks_kills_the_copy_and_thaws_the_source()
        {
            _s.Destination.DaemonResult = new CommandResult(1, "", "Error (criu/uffd.c:1076): uffd: Lazy pages transfer FAILED", TimeSpan.Zero);

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Pages, ex.FailedPhase);
            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Contains("Lazy pages transfer FAILED", ex.Message);
            // The copy on the destination is killed first, then the source's frozen copy is thawed.
            Assert.Contains(_s.Destination.Calls, c => c.Op == HostOp.Delete && c.Argument == "web --force");
            Assert.Single(_s.Source.CallsOf(HostOp.Resume));
            Assert.Null(_s.Source.RestoredFrom);
            Assert.Empty(_s.Transport.Tunnels);
            Assert.All(_s.Source.Daemons.Concat(_s.Destination.Daemons), d => Assert.True(d.Disposed));
            // Closing a channel does not end a remote process: the daemons are killed by name.
            Assert.Equal(ex.Result.ImagePath, _s.Source.CallsOf(HostOp.StopPageDaemons).Single().Argument);
            Assert.Equal(ex.Result.ImagePath + ".lazy", _s.Destination.CallsOf(HostOp.StopPageDaemons).Single().Argument);
            Assert.Empty(_s.Destination.FilesUnder(ex.Result.ImagePath + ".lazy"));
            Assert.Empty(_s.Source.FilesUnder(ex.Result.ImagePath + ".lazy"));
            _s.AssertRolledBack(ex);
        }
    }
}
