using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using LiveMigrate.Hosts;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Opens (or returns the already open) connection to a host, checking its key first.</summary>
    [Cmdlet(VerbsCommon.New, "MigrationHost", DefaultParameterSetName = SshSet)]
    [OutputType(typeof(MigrationHost))]
    public sealed class NewMigrationHostCommand : PSCmdlet
    {
        private const string SshSet = "Ssh";
        private const string LocalSet = "Local";
        private const string SessionSet = "Session";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SshSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName", "Address")]
        [ValidateNotNullOrEmpty]
        public string HostName { get; set; } = "";

        [Parameter(ParameterSetName = SshSet, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter(ParameterSetName = SshSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? UserName { get; set; }

        [Parameter(ParameterSetName = SshSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? KeyFilePath { get; set; }

        /// <summary>A password, or the key's passphrase when -KeyFilePath is given.</summary>
        [Parameter(ParameterSetName = SshSet)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The private key's text, for a runbook whose key is an asset, not a file: held in memory only.</summary>
        [Parameter(ParameterSetName = SshSet)]
        [ValidateNotNull]
        [SecretTextTransformation]
        public SecureString? PrivateKey { get; set; }

        /// <summary>For a session, the file whose key for the host the other hosts trust on the direct route.</summary>
        [Parameter(ParameterSetName = SshSet)]
        [Parameter(ParameterSetName = SessionSet)]
        [ValidateNotNullOrEmpty]
        public string? KnownHostsPath { get; set; }

        /// <summary>known_hosts lines to check the host's key against instead of a file.</summary>
        [Parameter(ParameterSetName = SshSet)]
        [ValidateNotNullOrEmpty]
        [ValidateCount(1, KnownHosts.MaxLines)]
        public string[]? KnownHost { get; set; }

        /// <summary>How a login that is not root runs host commands as root: None or Sudo (sudo -n, no shell in between).</summary>
        // A string, as every parameter here: the engine's types load only once the module is imported.
        [Parameter(ParameterSetName = SshSet, ValueFromPipelineByPropertyName = true)]
        [ValidateSet(nameof(BecomeMethod.None), nameof(BecomeMethod.Sudo))]
        public string Become { get; set; } = nameof(BecomeMethod.None);

        [Parameter(ParameterSetName = SshSet)]
        public SwitchParameter AcceptNewHostKey { get; set; }

        [Parameter(ParameterSetName = SshSet)]
        [ValidateRange(1, 600)]
        public int ConnectTimeoutSeconds { get; set; } = 15;

        /// <summary>Where the other hosts reach this one for the direct route, when not at the address the controller uses.</summary>
        [Parameter(ParameterSetName = SshSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = SessionSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? LinkAddress { get; set; }

        /// <summary>An open PowerShell session to the host (New-PSSession -HostName): commands run through it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SessionSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public System.Management.Automation.Runspaces.PSSession? Session { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LocalSet)]
        public SwitchParameter Local { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                if (Local.IsPresent)
                {
                    WriteObject(HostConnector.Local());
                    return;
                }
                if (Session != null)
                {
                    WriteObject(FromSession(Session));
                    return;
                }
                var options = Options();
                if (HostRegistry.TryGet(options.Address.ToString(), out var open))
                {
                    WriteVerbose($"Reusing the open connection to {open.Name}.");
                    var ignored = (KeyFilePath != null && options.KeyFilePath != open.KeyFilePath) ||
                                  (KnownHostsPath != null && options.KnownHostsPath != open.KnownHostsPath) ||
                                  Credential != null || AcceptNewHostKey.IsPresent || PrivateKey != null || KnownHost != null ||
                                  (MyInvocation.BoundParameters.ContainsKey(nameof(Become)) && !string.Equals(Become, open.Become, StringComparison.OrdinalIgnoreCase)) ||
                                  (LinkAddress != null && !Equals(options.LinkAddress, (open.Session as SshHostSession)?.Options.LinkAddress));
                    if (ignored)
                        WriteWarning($"{open.Name} is already open in this session, so -KeyFilePath, -PrivateKey, -Credential, -KnownHostsPath, -KnownHost, -AcceptNewHostKey, -Become and -LinkAddress were not applied. Close it with Remove-MigrationHost first to connect with them.");
                    WriteObject(open);
                    return;
                }
                WriteVerbose($"Connecting to {options.Address}, checking its host key against {options.KnownHostsSource}" +
                    (options.Become == BecomeMethod.Sudo ? "; host commands will run as root through sudo -n." : "."));
                WriteObject(HostConnector.Connect(options));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowTerminatingError(ErrorRecords.From(ex, HostAddress.Redacted(HostName)));
            }
        }

        private MigrationHost FromSession(System.Management.Automation.Runspaces.PSSession session)
        {
            var address = HostConnector.SessionAddress(session);
            var knownHosts = ResolvePath(KnownHostsPath) ?? HostConnector.DefaultKnownHostsPath;
            HostAddress? link = null;
            if (LinkAddress != null && !HostAddress.TryParseLink(LinkAddress, address, out link, out var linkError))
                throw new ArgumentException($"-LinkAddress: {linkError} Write it as host, host:port or user@host:port, such as 10.1.0.5:22.");
            if (HostRegistry.TryGet(address.ToString(), out var open) && open.PSSession != session)
            {
                WriteWarning($"{open.Name} is already open in this session{(open.PSSession != null ? " through another PowerShell session" : "")}, so it is used as it is. Close it with Remove-MigrationHost first to drive it through this PowerShell session.");
                return open;
            }
            WriteVerbose($"Driving {address} through the PowerShell session {session.Name}; for the direct route the other hosts reach it at {link ?? address} and trust its key in {knownHosts}.");
            var host = HostConnector.FromSession(session, knownHosts, link);
            if (((PowerShellSessionHost)host.Session).HostKey.Length == 0)
                WriteWarning($"{knownHosts} holds no key for {address.KnownHostsName}, so the other hosts cannot verify {address} and streams to it are relayed through this controller. " +
                    "Give -KnownHostsPath the known_hosts file the session's ssh checked.");
            return host;
        }

        private HostConnectionOptions Options()
        {
            if (PrivateKey != null && KeyFilePath != null)
                throw new ArgumentException("-PrivateKey and -KeyFilePath both give a key: give one of them.");
            if (KnownHost != null && KnownHostsPath != null)
                throw new ArgumentException("-KnownHost and -KnownHostsPath both give the known hosts: give one of them.");
            var parsed = HostAddress.Parse(HostName);
            var user = UserName ?? (Credential != null && KeyFilePath == null && PrivateKey == null ? Credential.UserName : null) ?? parsed.UserName;
            var port = MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : parsed.Port;
            var address = new HostAddress(parsed.HostName, port, user);
            HostAddress? link = null;
            if (LinkAddress != null && !HostAddress.TryParseLink(LinkAddress, address, out link, out var linkError))
                throw new ArgumentException($"-LinkAddress: {linkError} Write it as host, host:port or user@host:port, such as 10.1.0.5:22.");
            return new HostConnectionOptions(address, ResolvePath(KnownHostsPath) ?? HostConnector.DefaultKnownHostsPath)
            {
                KeyFilePath = ResolvePath(KeyFilePath),
                PrivateKey = PrivateKey == null ? null : new NetworkCredential("", PrivateKey).Password,
                KnownHostLines = KnownHost,
                Become = (BecomeMethod)Enum.Parse(typeof(BecomeMethod), Become, ignoreCase: true),
                Secret = Credential?.GetNetworkCredential().Password,
                AcceptNewHostKey = AcceptNewHostKey.IsPresent,
                ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSeconds),
                LinkAddress = link,
            };
        }

        private string? ResolvePath(string? path) =>
            path == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }
}
