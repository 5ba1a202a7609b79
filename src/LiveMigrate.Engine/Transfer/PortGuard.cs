using System;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Transfer
{
    /// <summary>The page ports' guard of one host, through port-guard.sh.</summary>
    public sealed class PortGuard : IPortGuard
    {
        private readonly IHostSession _host;
        private readonly TimeSpan _timeout;

        public PortGuard(IHostSession host, TimeSpan timeout)
        {
            _host = host;
            _timeout = timeout;
        }

        public string Name => _host.Name;

        public void GuardPort(int port, string tag, PortAdmission admits, CancellationToken ct)
        {
            var args = new[] { "guard", port.ToString(System.Globalization.CultureInfo.InvariantCulture), tag, PageClients.Group };
            var also = admits switch { PortAdmission.SupplementaryGroup => new[] { "supplementary" }, _ => new string[0] };
            Run(ct, args.Concat(also).ToArray());
        }

        public void UnguardPorts(string tag, CancellationToken ct) => Run(ct, "unguard", tag);

        private void Run(CancellationToken ct, params string[] args)
        {
            var script = HostScript.Command("port-guard.sh", args);
            // Ended on the host itself too: a controller that gave up must not leave it waiting there (iptables' lock).
            script.HostTimeout = _timeout;
            HostScript.Run(_host, script, _timeout, ct);
        }
    }
}
