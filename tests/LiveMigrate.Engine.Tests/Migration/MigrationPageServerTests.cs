using System;
using System.Linq;
using LiveMigrate.Commands;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>
    /// Stop with -StreamMemory over the direct route: CRIU's page server on the destination, started before the freeze, takes the memory as
    /// the source dumps it through the link; the Transfer step carries the rest. Elsewhere the memory is dumped, then sent.
    /// </summary>
    public sealed class MigrationPageServerTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public MigrationPageServerTests() => _s.Options.StreamMemory = true;

        public void Dispose() => _s.Dispose();

        private HostCall PageServer => _s.Destination.CallsOf(HostOp.StartPageServer).Single();
        private HostCall Dump => _s.Source.CallsOf(HostOp.Checkpoint).Single();

        private (int server, int reach) Ports()
        {
            var server = int.Parse(PageServer.Argument.Substring(PageServer.Argument.LastIndexOf(':') + 1));
            var reach = int.Parse(Dump.Argument.Substring(Dump.Argument.LastIndexOf(':') + 1));
            return (server, reach);
        }

        [Fact]
        public void The_memory_goes_into_the_destination_s_page_server_while_the_dump_runs()
        {
            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            var (server, reach) = Ports();
            Assert.Equal($"{result.ImagePath} :{server}", PageServer.Argument);
            Assert.Equal($"web --page-server 127.0.0.1:{reach}", Dump.Argument);
            // Listening before the freeze, in a folder made for it, both ends guarded first; the link may reach that port only.
            Assert.True(PageServer.Seq < Dump.Seq);
            Assert.True(_s.Destination.CallsOf(HostOp.CreateDirectory).First(c => c.Argument == result.ImagePath).Seq < PageServer.Seq);
            Assert.Contains(new HostCall(HostOp.GuardPort, $"{result.MigrationId}:{reach} +SupplementaryGroup"), _s.Source.Calls);
            Assert.Contains(new HostCall(HostOp.GuardPort, $"{result.MigrationId}:{server}"), _s.Destination.Calls);
            Assert.True(_s.Destination.CallsOf(HostOp.GuardPort).Single().Seq < PageServer.Seq);
            Assert.Equal(server, _s.Transport.Grants.Single().OpenPort);
            Assert.Null(_s.Transport.Grants.Single().ListenPort);
            Assert.Equal(1, _s.Transport.TunnelsOpened);
            Assert.Equal(0, _s.Transport.CheckpointsBeforeTunnel);
            // The page server ended with the dump; the rest of the images and the bundle still travel after it.
            Assert.All(_s.Destination.PageServers, p => Assert.True(p.Disposed));
            Assert.Equal(new[] { result.ImagePath!, MigrationScenario.Bundle }, _s.Transport.Copies.Single());
            Assert.Equal(_s.Destination.RestoredFrom, result.ImagePath);
            Assert.Equal(100 * 4096, result.BytesStreamedWhileDumping);
            Assert.Contains(_s.Observer.Messages, m => m.StartsWith("The memory goes into CRIU's page server on hostB as it is dumped", StringComparison.Ordinal));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void With_delta_bundle_sync_the_images_go_in_a_plain_stream_that_deletes_none_of_the_pages_there()
        {
            _s.Options.BundleSync = BundleSync.Delta;

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            // Ahead: the bundle; frozen: the images alone, then what changed of the bundle.
            Assert.Equal(new[] { new[] { MigrationScenario.Bundle }, new[] { result.ImagePath! }, new[] { MigrationScenario.Bundle } }, _s.Transport.Copies);
            Assert.Equal(new[] { true, false, true }, _s.Transport.Snapshots.Select(x => x != null));
            // Both frozen streams count, not only the last.
            Assert.True(result.BytesTransferred - result.BytesStreamedWhileDumping > _s.Transport.LastBytes);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void The_relay_route_dumps_the_memory_then_sends_it_and_says_so()
        {
            _s.Transport.Route = TransferRoute.Relay;

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Empty(_s.Destination.CallsOf(HostOp.StartPageServer));
            Assert.Equal(new[] { new HostCall(HostOp.Checkpoint, "web") }, _s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Empty(_s.Destination.CallsOf(HostOp.GuardPort));
            Assert.Equal(0, _s.Transport.TunnelsOpened);
            Assert.Equal(0, result.BytesStreamedWhileDumping);
            Assert.Equal(_s.Transport.LastBytes, result.BytesTransferred);
            Assert.Contains(_s.Observer.Messages, m => m.Contains("then sent: streaming it into a page server while CRIU dumps needs the direct route"));
            _s.AssertInvariant(result);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(null)]
        public void Not_asked_to_stream_the_memory_is_dumped_on_the_source_and_nothing_is_set_up_for_it(bool? stream)
        {
            _s.Options.StreamMemory = stream;

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(new[] { new HostCall(HostOp.Checkpoint, "web") }, _s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Empty(_s.Destination.CallsOf(HostOp.StartPageServer));
            Assert.Empty(_s.Destination.CallsOf(HostOp.InstallPageGuard));
            Assert.Null(_s.Transport.Grants.Single().OpenPort);
            Assert.Equal(0, _s.Transport.TunnelsOpened);
            Assert.Equal(0, result.BytesStreamedWhileDumping);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_page_guard_that_cannot_be_installed_falls_back_to_dumping_then_sending_and_grants_no_page_port()
        {
            _s.Destination.FailOn(HostOp.InstallPageGuard, "hostB is aarch64");

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(new[] { new HostCall(HostOp.Checkpoint, "web") }, _s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Null(_s.Transport.Grants.Single().OpenPort);
            Assert.Null(_s.Transport.Grants.Single().PageBridge);
            Assert.Contains(_s.Observer.Messages, m => m.Contains("then sent: the page guard that would carry it into hostB cannot be installed there (hostB is aarch64)"));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_page_server_that_cannot_start_falls_back_to_dumping_then_sending()
        {
            _s.Destination.FailOn(HostOp.StartPageServer, "criu page-server on hostB did not listen within 300 s.");

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(new[] { new HostCall(HostOp.Checkpoint, "web") }, _s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Contains(_s.Observer.Messages, m => m.Contains("then sent: the page server on hostB could not be used (criu page-server on hostB did not listen"));
            Assert.Contains(new HostCall(HostOp.StopPageDaemons, result.ImagePath!), _s.Destination.Calls);
            Assert.Equal(0, result.BytesStreamedWhileDumping);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_way_to_it_that_the_link_cannot_open_falls_back_and_kills_the_page_server()
        {
            _s.Transport.TunnelFailure = "ssh: forwarding refused";

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.True(_s.Destination.PageServers.Single().Disposed);
            Assert.True(_s.Destination.CallsOf(HostOp.StopPageDaemons).Single().Seq < Dump.Seq);
            Assert.Equal("web", Dump.Argument);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_dump_that_fails_half_way_kills_the_page_server_removes_its_pages_and_thaws_the_source()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "criu: Dumping FAILED.", h => h.Freeze("web"));

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Equal(MigrationPhase.Checkpoint, ex.FailedPhase);
            Assert.True(_s.Source.IsRunning("web"));
            Assert.Single(_s.Source.CallsOf(HostOp.Resume));
            Assert.True(_s.Destination.PageServers.Single().Disposed);
            _s.AssertDestinationUntouched();
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_dump_that_fails_because_the_page_server_failed_says_what_the_page_server_said()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "criu: Can't write pages to socket: Broken pipe", h => h.Freeze("web"));
            _s.Destination.PageServerResult = new CommandResult(1, "", "Error (criu/page-xfer.c:700): page-server: Can't write: No space left on device", TimeSpan.Zero);

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Contains("Broken pipe CRIU's page server on hostB says: Error (criu/page-xfer.c:700): page-server: Can't write: No space left on device", ex.Message);
            _s.AssertDestinationUntouched();
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_dump_that_fails_before_reaching_the_page_server_keeps_its_own_error()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "criu: Dumping FAILED: Can't connect to page server", h => h.Freeze("web"));
            _s.Destination.PageServerWaitsForever = true;

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Equal("criu: Dumping FAILED: Can't connect to page server", ex.Result.Error);
            Assert.True(_s.Destination.PageServers.Single().Disposed);
            _s.AssertDestinationUntouched();
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_page_server_that_ends_badly_after_the_dump_rolls_back_before_anything_is_restored()
        {
            _s.Destination.PageServerResult = new CommandResult(1, "", "Error (criu/page-xfer.c:1095): page-server: Can't write pages", TimeSpan.Zero);

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Equal(MigrationPhase.Checkpoint, ex.FailedPhase);
            Assert.Contains("CRIU's page server on hostB ended badly (exit 1)", ex.Message);
            Assert.Contains("It says: Error (criu/page-xfer.c:1095): page-server: Can't write pages", ex.Message);
            Assert.Empty(_s.Destination.CallsOf(HostOp.Restore));
            Assert.Empty(_s.Transport.Copies);
            Assert.True(_s.Source.IsRunning("web"));
            _s.AssertDestinationUntouched();
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_failed_restore_rolls_back_and_removes_the_pages_the_page_server_wrote()
        {
            _s.Destination.FailOn(HostOp.Restore, "criu: Restoring FAILED.");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.True(_s.Source.IsRunning("web"));
            Assert.Single(_s.Destination.PageServers);
            Assert.Empty(_s.Destination.FilesUnder(_s.ImageDir));
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_failed_rollback_says_the_memory_is_on_the_destination_and_keeps_it_there()
        {
            _s.Source.CheckpointLeavesStoppedEntry = true;
            _s.Destination.FailOn(HostOp.Restore, "criu: Restoring FAILED.");
            _s.Source.FailOn(HostOp.Restore, "criu: can't open pagemap");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Failed, ex.Result.Status);
            Assert.Contains($"once the pages in hostB's copy of that folder are copied in (both are kept)", ex.Message);
            Assert.True(_s.Destination.PathExists(_s.ImageDir + "/pages-1.img"));
            Assert.True(_s.Source.PathExists(_s.ImageDir + "/inventory.img"));
        }

        [Fact]
        public void Pre_copy_keeps_dumping_then_sending_its_last_delta()
        {
            _s.Options.Mode = MigrationMode.PreCopy;
            _s.Options.PreCopy.MinPagesWritten = 1000;

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Empty(_s.Destination.CallsOf(HostOp.StartPageServer));
            Assert.Null(_s.Transport.Grants.Single().OpenPort);
            Assert.DoesNotContain("--page-server", Dump.Argument);
            _s.AssertInvariant(result);
        }
    }
}
