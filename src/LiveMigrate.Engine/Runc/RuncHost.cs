using LiveMigrate.Hosts;
using LiveMigrate.Transfer;

namespace LiveMigrate.Runc
{
    /// <summary>A host reached by a session: runc, CRIU's daemons, the page ports' guard, files and locks, each over that session.</summary>
    public sealed class RuncHost : ContainerHost
    {
        public RuncHost(IHostSession host, RuntimeOptions options) : this(new RuntimeSession(host, options), new HostFiles(host, options.CommandTimeout)) { }

        private RuncHost(RuntimeSession session, HostFiles files) : this(session, new RuncRuntime(session), files) { }

        private RuncHost(RuntimeSession session, RuncRuntime runtime, HostFiles files)
            : base(runtime, new CriuDaemons(session, runtime), new PortGuard(session.Host, session.Options.CommandTimeout), files,
                new HostLocks(session.Host, session.Options.CommandTimeout, files))
        {
            Session = session.Host;
            Runtime = runtime;
            Network = new Network.NetworkHost(session.Host, session.Options.CommandTimeout);
        }

        public IHostSession Session { get; }
        /// <summary>runc itself, for what only runc does (restoring a saved checkpoint, the dump environment of a script).</summary>
        public RuncRuntime Runtime { get; }
    }
}
