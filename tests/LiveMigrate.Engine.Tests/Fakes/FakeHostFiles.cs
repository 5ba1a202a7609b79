using System;
using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>A host's files in memory (<see cref="FakeHostModel"/>'s paths).</summary>
    public sealed class FakeHostFiles : IHostFiles
    {
        private readonly FakeHostModel _host;

        public FakeHostFiles(FakeHostModel host) { _host = host; }

        public string Name => _host.Name;

        public bool Exists(string path, CancellationToken ct)
        {
            _host.Enter(HostOp.Exists, path, ct);
            return _host.PathExists(path);
        }

        public void CreateDirectory(string path, CancellationToken ct)
        {
            _host.Enter(HostOp.CreateDirectory, path, ct);
            _host.AddFile(path + "/.dir");
        }

        public void RemoveTree(string path, CancellationToken ct)
        {
            _host.Enter(HostOp.RemoveTree, path, ct);
            // The real host refuses the same paths (HostFiles.RemoveTree).
            if (!HostPath.IsRemovable(path)) throw new ArgumentException($"fake host: refusing to remove '{path}'");
            _host.RemoveFilesUnder(path);
        }
    }
}
