using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.InteropServices;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.PowerShell
{
    /// <summary>Opens hosts by address, through the runspace's registry so each is connected once.</summary>
    internal static class HostConnector
    {
        public const string LocalName = "localhost";

        public static string DefaultKnownHostsPath =>
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

        public static MigrationHost Local() =>
            HostRegistry.GetOrAdd(LocalName, () => new MigrationHost(LocalName, null,
                LocalHostSession.Open(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), RuntimeInformation.OSDescription), null, null));

        public static MigrationHost Connect(HostConnectionOptions options) =>
            HostRegistry.GetOrAdd(options.Address.ToString(), () =>
                new MigrationHost(options.Address.ToString(), options.Address, SshHostSession.Connect(options),
                    options.KnownHostLines == null ? options.KnownHostsPath : null, options.KeyFilePath));

        /// <summary>
        /// A host driven through an open PowerShell session. Its name and, for the direct route, its SSH address come from
        /// the session (pwsh's SSH transport: user, host name, port) unless <paramref name="linkAddress"/> says where the
        /// other hosts reach it; the host key handed on to them is the one <paramref name="knownHostsPath"/> records for it.
        /// </summary>
        public static MigrationHost FromSession(PSSession session, string knownHostsPath, HostAddress? linkAddress)
        {
            var address = SessionAddress(session);
            return HostRegistry.GetOrAdd(address.ToString(), () =>
            {
                var keys = KnownHosts.Load(knownHostsPath).KeysFor(address.KnownHostsName);
                var key = keys.FirstOrDefault(k => k.StartsWith("ssh-ed25519 ", StringComparison.Ordinal)) ?? keys.FirstOrDefault() ?? "";
                var host = new PowerShellSessionHost(session, address, linkAddress, key);
                var probe = new CommandLine("uname", "-s");
                var said = host.Run(probe, TimeSpan.FromSeconds(30), CancellationToken.None);
                if (!said.Succeeded || said.StandardOutput.Trim() != "Linux")
                    throw new NotSupportedException($"The PowerShell session to {address} cannot run LiveMigrate's commands: 'uname -s' {(said.Succeeded ? "says " + said.StandardOutput.Trim() : "failed: " + said.StandardError.Trim())}. " +
                        "A migration host is Linux with runc and CRIU, reached by a session of PowerShell 7 in FullLanguage mode (New-PSSession -HostName).");
                return new MigrationHost(address.ToString(), address, host, knownHostsPath, null);
            });
        }

        /// <summary>user@host:port of the session's SSH transport; a session of another transport is known by its computer name.</summary>
        internal static HostAddress SessionAddress(PSSession session)
        {
            var info = PSObject.AsPSObject(session.Runspace.ConnectionInfo);
            var computer = info.Properties["ComputerName"]?.Value as string;
            if (string.IsNullOrEmpty(computer)) throw new ArgumentException($"The PowerShell session {session.Name} names no computer; give one opened with New-PSSession -HostName.");
            var user = info.Properties["UserName"]?.Value as string;
            var port = info.Properties["Port"]?.Value is int p && p > 0 && session.Runspace.ConnectionInfo.GetType().Name == "SSHConnectionInfo" ? p : HostAddress.DefaultPort;
            return new HostAddress(computer!, port, string.IsNullOrEmpty(user) ? Environment.UserName : user!);
        }

        /// <summary>A host named by a string: an open one of this runspace, or a new connection with default keys.</summary>
        public static MigrationHost Resolve(string text)
        {
            if (string.Equals(text, LocalName, StringComparison.OrdinalIgnoreCase)) return Local();
            var address = HostAddress.Parse(text);
            if (HostRegistry.TryGet(address.ToString(), out var open)) return open;
            return Connect(new HostConnectionOptions(address, DefaultKnownHostsPath));
        }
    }
}
