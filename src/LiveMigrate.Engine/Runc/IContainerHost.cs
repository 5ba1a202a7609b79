using System.Collections.Generic;
using System.Threading;

namespace LiveMigrate.Runc
{
    /// <summary>What the migration engine needs of a host; faked in unit tests, runc over SSH for real.</summary>
    public interface IContainerHost
    {
        string Name { get; }
        IReadOnlyList<ContainerInfo> List(CancellationToken ct);
        ContainerInfo? State(string name, CancellationToken ct);
        void Checkpoint(string name, string imageDir, CancellationToken ct);
        void Restore(string name, string bundle, string imageDir, CancellationToken ct);
        void Delete(string name, bool force, CancellationToken ct);
        void Resume(string name, CancellationToken ct);
        bool Exists(string path, CancellationToken ct);
        void CreateDirectory(string path, CancellationToken ct);
        void RemoveTree(string path, CancellationToken ct);
    }
}
