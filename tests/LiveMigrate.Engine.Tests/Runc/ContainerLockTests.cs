using System.Threading;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>ContainerLock over the locks of a host alone (a fake of that one part).</summary>
    public sealed class ContainerLockTests
    {
        private const string Root = "/var/lib/livemigrate/locks";
        private readonly FakeHostModel _host = new FakeHostModel("hostA");
        private readonly FakeHostLocks _locks;

        public ContainerLockTests() { _locks = new FakeHostLocks(_host); }

        [Fact]
        public void Takes_the_name_s_lock_with_a_holder_and_releases_it_once()
        {
            var held = ContainerLock.Take(_locks, Root, "web", "checkpoint c1 of web", CancellationToken.None);

            Assert.Equal(Root + "/web", held.Path);
            Assert.Contains("checkpoint c1 of web", _locks.Locks[Root + "/web"]);
            held.Dispose();
            held.Dispose();
            Assert.Empty(_locks.Locks);
            Assert.Single(_host.CallsOf(HostOp.Unlock));
        }

        [Fact]
        public void A_held_name_is_refused_naming_its_holder_and_the_way_out()
        {
            _locks.Locks[Root + "/web"] = "migration m1 of web";

            var ex = Assert.Throws<System.InvalidOperationException>(() => ContainerLock.Take(_locks, Root, "web", "restore", CancellationToken.None));

            Assert.Contains("'web' on hostA is busy: migration m1 of web", ex.Message);
            Assert.Contains($"remove {Root}/web on hostA", ex.Message);
            Assert.Equal("migration m1 of web", _locks.Locks[Root + "/web"]);
        }

        [Fact]
        public void A_lock_that_cannot_be_released_stays_naming_its_holder()
        {
            var held = ContainerLock.Take(_locks, Root, "web", "restore", CancellationToken.None);
            _host.BecomeUnreachable();

            held.Dispose();

            Assert.Single(_locks.Locks);
        }
    }
}
