using System.Threading;

namespace LiveMigrate.Hosts
{
    /// <summary>Locks on one host that every controller sees (see <see cref="Runc.ContainerLock"/>).</summary>
    public interface IHostLocks : INamedHost
    {
        /// <summary>Takes the lock <paramref name="lockDir"/> (an atomic mkdir); false with the holder's text when it is held.</summary>
        bool TryLock(string lockDir, string holder, out string currentHolder, CancellationToken ct);
        void Unlock(string lockDir, CancellationToken ct);
    }
}
