using System;
using System.ComponentModel;
using LiveMigrate.Hosts;
using LiveMigrate.Runc;

namespace LiveMigrate.PowerShell
{
    /// <summary>A host that containers move from and to, with its one open connection.</summary>
    [TypeConverter(typeof(MigrationHostConverter))]
    public sealed class MigrationHost : IDisposable
    {
        internal MigrationHost(string name, HostAddress? address, IHostSession session, string? knownHostsPath, string? keyFilePath)
        {
            Name = name;
            Address = address;
            Session = session;
            KnownHostsPath = knownHostsPath;
            KeyFilePath = keyFilePath;
        }

        /// <summary>user@host:port, or localhost for this machine.</summary>
        public string Name { get; }
        public string HostName => Address?.HostName ?? "localhost";
        public int Port => Address?.Port ?? 0;
        public string UserName => Address?.UserName ?? Environment.UserName;
        public bool IsLocal => Address == null;
        public bool IsConnected => Session.IsConnected;
        public string? KnownHostsPath { get; }
        public string? KeyFilePath { get; }
        public string? Cipher => (Session as SshHostSession)?.Cipher;
        /// <summary>The PowerShell session this host is driven through, if it was opened from one.</summary>
        public System.Management.Automation.Runspaces.PSSession? PSSession => (Session as PowerShellSessionHost)?.Session;
        /// <summary>How host commands reach root when the login is not root.</summary>
        public string Become => ((Session as SshHostSession)?.Options.Become ?? BecomeMethod.None).ToString();

        internal HostAddress? Address { get; }
        internal IHostSession Session { get; }

        internal RuncHost Runtime(RuntimeOptions options) => new RuncHost(Session, options);

        internal LiveMigrate.Migration.MigrationEndpoint Endpoint() => new LiveMigrate.Migration.MigrationEndpoint(Name, Session, IsLocal, Runtime);

        public void Dispose() => Session.Dispose();

        public override string ToString() => Name;
    }
}
