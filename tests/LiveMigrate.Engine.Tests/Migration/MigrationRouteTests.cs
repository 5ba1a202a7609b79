using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>The route a migration's streams take: opened before the freeze, used for every copy, always closed.</summary>
    public sealed class MigrationRouteTests : System.IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Fact]
        public void Is_opened_once_before_the_freeze_named_in_the_result_and_closed_after_success()
        {
            var result = _s.Migrate();

            Assert.Equal(1, _s.Transport.LinksOpened);
            Assert.Equal(TransferRoute.Direct, result.TransferRoute);
            // Opened while Prepare ran: the first copy or freeze comes after it.
            Assert.Contains(_s.Observer.Messages, m => m.StartsWith("fake link " + result.MigrationId + " from hostA to hostB"));
            Assert.Equal(0, _s.Transport.CheckpointsBeforeOpen);
            Assert.Single(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Empty(_s.Transport.OpenLinks);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Grants_only_the_images_and_the_bundle_no_port_and_only_as_long_as_the_steps_it_serves()
        {
            var result = _s.Migrate();

            var grant = Assert.Single(_s.Transport.Grants);
            Assert.Equal(result.MigrationId, grant.Id);
            Assert.Equal(new[] { result.ImagePath!, MigrationScenario.Bundle }, grant.Folders);
            Assert.Null(grant.ListenPort);
            // Two CRIU calls, one stream and the margin; no longer than that (it was 6 hours).
            var runtime = _s.Options.Runtime;
            Assert.Equal(runtime.CriuTimeout + runtime.CriuTimeout + _s.Transport.StreamTimeout + LinkGrant.Margin, grant.Lifetime);
        }

        [Fact]
        public void A_shared_bundle_is_not_granted()
        {
            _s.Options.BundleSync = BundleSync.None;
            _s.Destination.WithBundle(MigrationScenario.Bundle);

            var result = _s.Migrate();

            Assert.Equal(new[] { result.ImagePath! }, Assert.Single(_s.Transport.Grants).Folders);
        }

        [Fact]
        public void Post_copy_grants_its_tunnel_port_its_page_bridge_and_the_page_transfer_time()
        {
            _s.Options.Mode = MigrationMode.PostCopy;

            _s.Migrate();

            var grant = Assert.Single(_s.Transport.Grants);
            var tunnel = Assert.Single(_s.Destination.CallsOf(HostOp.GuardPort)).Argument.Split(':')[1];
            Assert.Equal(int.Parse(tunnel), grant.ListenPort);
            // The page guard, sent before the link is authorized: its bridge listens on that port for the key's session.
            Assert.Equal(FakeCriuDaemons.PageGuardPath, grant.PageBridge);
            Assert.True(grant.Lifetime >= _s.Options.Runtime.PageTransferTimeout + _s.Transport.StreamTimeout);
        }

        [Fact]
        public void Is_closed_after_a_rollback()
        {
            _s.Destination.FailOn(HostOp.Restore, "restore failed on purpose");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Equal(1, _s.Transport.LinksOpened);
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void That_cannot_be_opened_aborts_before_the_freeze_with_the_reason()
        {
            _s.Transport.OpenFailure = "the source cannot reach the destination";

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Equal(MigrationPhase.Prepare, ex.FailedPhase);
            Assert.Contains("the source cannot reach the destination", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Empty(_s.Transport.Copies);
            Assert.True(_s.Source.IsRunning(MigrationScenario.Container));
            Assert.Empty(_s.Destination.MutatingCalls);
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void Carries_the_delta_bundle_presync_and_the_transfer()
        {
            _s.Options.BundleSync = BundleSync.Delta;

            var result = _s.Migrate();

            Assert.Equal(2, _s.Transport.Copies.Count);
            Assert.Equal(1, _s.Transport.LinksOpened);
            _s.AssertInvariant(result);
        }
    }
}
