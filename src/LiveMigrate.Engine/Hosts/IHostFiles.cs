using System.Threading;

namespace LiveMigrate.Hosts
{
    /// <summary>The files of one host the engine checks, makes and removes (images, bundles, markers).</summary>
    public interface IHostFiles : INamedHost
    {
        bool Exists(string path, CancellationToken ct);
        /// <summary>Makes <paramref name="path"/> and its parents, 0700.</summary>
        void CreateDirectory(string path, CancellationToken ct);
        /// <summary>Removes <paramref name="path"/> and what lies under it; refuses a path that is not a container's own (<see cref="HostPath.IsRemovable"/>).</summary>
        void RemoveTree(string path, CancellationToken ct);
    }
}
