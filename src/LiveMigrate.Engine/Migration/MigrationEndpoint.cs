using System;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness;
using LiveMigrate.Runc;

namespace LiveMigrate.Migration
{
    /// <summary>A host a migration runs between, as the coordinator needs it: checked by readiness, driven through its runtime.</summary>
    public sealed class MigrationEndpoint
    {
        private readonly Func<RuntimeOptions, IContainerHost> _runtime;

        /// <param name="isLocal">This machine without SSH: no port forwarding, so no post-copy.</param>
        /// <param name="runtime">The host's runtime with the migration's options; runc over <paramref name="session"/> unless given.</param>
        public MigrationEndpoint(string name, IHostSession session, bool isLocal, Func<RuntimeOptions, IContainerHost>? runtime = null)
        {
            Name = name;
            Session = session;
            IsLocal = isLocal;
            _runtime = runtime ?? (options => new RuncHost(session, options));
        }

        public string Name { get; }
        public IHostSession Session { get; }
        public bool IsLocal { get; }
        /// <summary>Only LiveMigrate's own SSH connection forwards ports (relayed post-copy's pages); a local host or a PowerShell session does not.</summary>
        public bool ForwardsPorts => Session is SshHostSession;

        public IContainerHost Runtime(RuntimeOptions options) => _runtime(options);

        public ReadinessHost ForReadiness() => new ReadinessHost(Name, Session);
    }
}
