using System;
using System.Threading;
using LiveMigrate.Commands;

namespace LiveMigrate.Hosts
{
    /// <summary>Locks as directories on one host: mkdir is atomic, and the directory holds the holder's text.</summary>
    public sealed class HostLocks : IHostLocks
    {
        private readonly IHostSession _host;
        private readonly TimeSpan _timeout;
        private readonly IHostFiles _files;

        public HostLocks(IHostSession host, TimeSpan timeout, IHostFiles files)
        {
            _host = host;
            _timeout = timeout;
            _files = files;
        }

        public string Name => _host.Name;

        private const string LockScript = @"mkdir -p -m 0700 ""${1%/*}""
if mkdir ""$1"" 2>/dev/null; then printf '%s
' ""$2"" > ""$1/holder""; exit 0; fi
cat ""$1/holder"" 2>/dev/null || echo 'a migration that has not written its name yet'
exit 3";

        public bool TryLock(string lockDir, string holder, out string currentHolder, CancellationToken ct)
        {
            if (!HostPath.IsSafeAbsolute(lockDir)) throw new ArgumentException($"'{lockDir}' is not an absolute, normalized path.");
            var cmd = new CommandLine("sh", "-c", LockScript, "sh", lockDir, holder);
            var result = _host.Run(cmd, _timeout, ct);
            currentHolder = result.StandardOutput.Trim();
            if (result.ExitCode == 0 || result.ExitCode == 3) return result.ExitCode == 0;
            throw CommandFailedException.FromResult(_host.Name, cmd, result);
        }

        public void Unlock(string lockDir, CancellationToken ct) => _files.RemoveTree(lockDir, ct);
    }
}
