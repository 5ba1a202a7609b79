using System;
using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// One operation on a container name on one host at a time, whoever runs it: {root}/{name}, taken by an atomic mkdir
    /// (<see cref="IHostLocks.TryLock"/>) with a text naming its holder. Migrations take it on both hosts; a checkpoint
    /// save takes it for the container it pauses, a restore for the name it creates.
    /// </summary>
    public sealed class ContainerLock : IDisposable
    {
        public const string DefaultRoot = "/var/lib/livemigrate/locks";
        private readonly IHostLocks _host;
        private bool _held = true;

        private ContainerLock(IHostLocks host, string path)
        {
            _host = host;
            Path = path;
        }

        public string Path { get; }

        public static string PathOf(string root, string name) => HostPath.Combine(root, ContainerName.Validate(name));

        /// <summary>Takes the lock of <paramref name="name"/> on <paramref name="host"/>, or throws naming who holds it.</summary>
        public static ContainerLock Take(IHostLocks host, string root, string name, string activity, CancellationToken ct)
        {
            var path = PathOf(root, name);
            if (!host.TryLock(path, Migration.RunId.Holder(activity), out var current, ct))
                throw new InvalidOperationException($"'{name}' on {host.Name} is busy: {current}. Try again once that has ended. " +
                    $"If its controller died, Get-MigrationJournal -Unfinished lists it for Resume-Migration; otherwise check the container there, then remove {path} on {host.Name}.");
            return new ContainerLock(host, path);
        }

        /// <summary>Releases the lock; a failure leaves it in place, naming its holder, for a person to remove.</summary>
        public void Dispose()
        {
            if (!_held) return;
            _held = false;
            try { _host.Unlock(Path, CancellationToken.None); }
            // Reporting it would hide the operation's own outcome; the lock left names its holder, for whoever meets it.
            catch (Exception) { }
        }
    }
}
