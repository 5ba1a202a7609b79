using System;
using System.Threading;
using LiveMigrate.Commands;

namespace LiveMigrate.Hosts
{
    /// <summary>The files of one host over its session, every command bounded by the timeout and checked.</summary>
    public sealed class HostFiles : IHostFiles
    {
        private readonly IHostSession _host;
        private readonly TimeSpan _timeout;

        public HostFiles(IHostSession host, TimeSpan timeout)
        {
            _host = host;
            _timeout = timeout;
        }

        public string Name => _host.Name;

        public bool Exists(string path, CancellationToken ct)
        {
            var result = _host.Run(new CommandLine("test", "-e", path), _timeout, ct);
            if (result.ExitCode > 1) throw CommandFailedException.FromResult(_host.Name, new CommandLine("test", "-e", path), result);
            return result.Succeeded;
        }

        public void CreateDirectory(string path, CancellationToken ct)
        {
            if (!HostPath.IsSafeAbsolute(path)) throw new ArgumentException($"'{path}' is not an absolute, normalized path.");
            _host.RunChecked(new CommandLine("mkdir", "-p", "-m", "0700", path), _timeout, ct);
        }

        public void RemoveTree(string path, CancellationToken ct)
        {
            if (!HostPath.IsRemovable(path)) throw new ArgumentException($"Refusing to remove '{path}' on {Name}: it is not a container's own directory.");
            _host.RunChecked(new CommandLine("rm", "-rf", "--one-file-system", "--", path), _timeout, ct);
        }
    }
}
