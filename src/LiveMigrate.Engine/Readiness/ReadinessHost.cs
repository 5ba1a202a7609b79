using System;
using LiveMigrate.Hosts;

namespace LiveMigrate.Readiness
{
    /// <summary>A host to check: its open session, or why it could not be opened (the first check reports that).</summary>
    public sealed class ReadinessHost
    {
        public ReadinessHost(string name, IHostSession? session, Exception? connectionError = null)
        {
            if ((session == null) == (connectionError == null))
                throw new ArgumentException("A host to check has either a session or the error that kept it from opening.");
            Name = name;
            Session = session;
            ConnectionError = connectionError;
        }

        public string Name { get; }
        public IHostSession? Session { get; }
        public Exception? ConnectionError { get; }
    }
}
