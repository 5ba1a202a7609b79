using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Network
{
    /// <summary>A container whose network namespace is a path of its config.json: what the engine does to it, and when.</summary>
    public sealed class MigrationNetworkTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();
        private readonly FakeNetworkHost _source;
        private readonly FakeNetworkHost _destination;

        public MigrationNetworkTests()
        {
            _source = new FakeNetworkHost(_s.Source, FakeNetworkHost.Sample());
            _destination = new FakeNetworkHost(_s.Destination);
        }

        public void Dispose() => _s.Dispose();

        private static long Seq(FakeContainerHost host, HostOp op, string? argument = null) =>
            host.Calls.First(c => c.Op == op && (argument == null || c.Argument == argument)).Seq;

        [Theory]
        [InlineData(MigrationMode.Stop)]
        [InlineData(MigrationMode.PostCopy)]
        public void The_source_leaves_the_LAN_before_the_freeze_and_the_destination_joins_it_after_the_restore(MigrationMode mode)
        {
            _s.Options.Mode = mode;
            var result = _s.Migrate();

            _s.AssertInvariant(result);
            Assert.Equal(new[] { "Inspect", "Isolate", "Remove" }, _source.Steps);
            Assert.Equal(new[] { "Check", "Build", "Announce" }, _destination.Steps);
            var freeze = mode == MigrationMode.Stop ? HostOp.Checkpoint : HostOp.LazyCheckpoint;
            Assert.True(Seq(_s.Source, HostOp.Network, "Isolate") < Seq(_s.Source, freeze), "off the LAN before the freeze: CRIU unlocks after the dump");
            var restore = mode == MigrationMode.Stop ? HostOp.Restore : HostOp.RestoreLazy;
            Assert.True(Seq(_s.Destination, HostOp.Network, "Build") < Seq(_s.Destination, restore), "the addresses exist before the sockets are restored");
            Assert.True(Seq(_s.Destination, restore) < Seq(_s.Destination, HostOp.Network, "Announce"), "announced only once it runs there");
            Assert.True(Seq(_s.Source, HostOp.Delete) < Seq(_s.Source, HostOp.Network, "Remove"), "the frozen copy goes before its namespace");
            Assert.Contains(_s.Observer.Messages, m => m.Contains("Network namespace /run/netns/web") && m.Contains("3 established TCP"));
        }

        [Fact]
        public void A_failed_restore_removes_the_destination_namespace_and_puts_the_source_back_on_the_LAN_before_the_thaw()
        {
            _s.Destination.FailOn(HostOp.Restore, "criu failed: type RESTORE errno 0");

            var ex = _s.MigrateFailing();

            _s.AssertRolledBack(ex);
            Assert.Equal(new[] { "Check", "Build", "Remove" }, _destination.Steps);
            Assert.Equal(new[] { "Inspect", "Isolate", "Rejoin" }, _source.Steps);
            Assert.True(Seq(_s.Destination, HostOp.Network, "Remove") < Seq(_s.Source, HostOp.Network, "Rejoin"), "one copy answers for the addresses at a time");
            Assert.True(Seq(_s.Source, HostOp.Network, "Rejoin") < Seq(_s.Source, HostOp.Resume));
        }

        [Fact]
        public void A_network_that_cannot_be_built_failing_stops_the_move_in_the_restore_and_rolls_back()
        {
            _destination.FailOn = "Build";

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Restore, ex.FailedPhase);
            _s.AssertRolledBack(ex);
            Assert.Contains("Rejoin", _source.Steps);
            Assert.Empty(_s.Destination.CallsOf(HostOp.Restore));
        }

        [Fact]
        public void A_destination_that_cannot_take_the_namespace_stops_the_move_before_the_freeze()
        {
            _destination.Problems.Add("there is no bridge br0");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Prepare, ex.FailedPhase);
            Assert.Contains("cannot take web's network namespace /run/netns/web: there is no bridge br0", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Equal(new[] { "Inspect" }, _source.Steps);
            Assert.True(_s.Source.IsRunning(MigrationScenario.Container));
        }

        private sealed class PreRestoreHook : LiveMigrate.Hooks.IMigrationHooks
        {
            public int Runs;
            public bool Has(LiveMigrate.Hooks.HookPoint point) => point == LiveMigrate.Hooks.HookPoint.PreRestore;
            public void Invoke(LiveMigrate.Hooks.HookPoint point, LiveMigrate.Hooks.HookContext context) => Runs++;
        }

        private sealed class Unreadable : LiveMigrate.Network.INetworkHost
        {
            public LiveMigrate.Network.ContainerNetwork? Inspect(string bundle, System.Threading.CancellationToken ct) =>
                LiveMigrate.Network.ContainerNetwork.Parse("/run/netns/web", "if=eth0 mac=02:4c:4d:12:00:32 mtu=1500 kind=macvlan hostend= bridge= addrs=10.0.0.5/24");
            public System.Collections.Generic.IReadOnlyList<string> Check(LiveMigrate.Network.ContainerNetwork n, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
            public System.Collections.Generic.IReadOnlyList<string>? AddressesInUse(LiveMigrate.Network.ContainerNetwork n, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
            public void Build(LiveMigrate.Network.ContainerNetwork n, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
            public bool PrepareLoopbackRestore(string bundle, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
            public void FinishLoopbackRestore(string bundle, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
            public void Announce(LiveMigrate.Network.ContainerNetwork n, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
            public void Isolate(LiveMigrate.Network.ContainerNetwork n, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
            public void Rejoin(LiveMigrate.Network.ContainerNetwork n, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
            public void Remove(LiveMigrate.Network.ContainerNetwork n, System.Threading.CancellationToken ct) => throw new InvalidOperationException("not called");
        }

        [Fact]
        public void A_set_up_it_cannot_rebuild_stops_the_move_before_the_freeze_unless_a_PreRestore_hook_owns_it()
        {
            _s.Source.Network = new Unreadable();
            var ex = _s.MigrateFailing();
            Assert.Equal(MigrationPhase.Prepare, ex.FailedPhase);
            Assert.Contains("is not a veth whose host end is on a bridge", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));

            var hook = new PreRestoreHook();
            using var again = new MigrationScenario();
            again.Source.Network = new Unreadable();
            again.Options.Hooks = hook;
            again.AssertInvariant(again.Migrate());
            Assert.Equal(1, hook.Runs);
            Assert.Contains(again.Observer.Messages, m => m.Contains("The PreRestore hook makes it on hostB"));
        }

        [Theory]
        [InlineData(MigrationMode.Stop, true)]
        [InlineData(MigrationMode.PostCopy, true)]
        [InlineData(MigrationMode.Stop, false)]
        public void A_namespace_runc_makes_moves_whole_with_CRIU_lo_brought_up_for_its_restore(MigrationMode mode, bool needed)
        {
            _s.Options.Mode = mode;
            _source.Network = null;
            _destination.LoopbackNeeded = needed;

            _s.AssertInvariant(_s.Migrate());

            Assert.Equal(new[] { "Inspect" }, _source.Steps);
            Assert.Equal(needed ? new[] { "PrepareLoopbackRestore", "FinishLoopbackRestore" } : new[] { "PrepareLoopbackRestore" }, _destination.Steps);
            var restore = mode == MigrationMode.Stop ? HostOp.Restore : HostOp.RestoreLazy;
            Assert.True(Seq(_s.Destination, HostOp.Network, "PrepareLoopbackRestore") < Seq(_s.Destination, restore));
            if (needed) Assert.True(Seq(_s.Destination, restore) < Seq(_s.Destination, HostOp.Network, "FinishLoopbackRestore"));
        }
    }
}
