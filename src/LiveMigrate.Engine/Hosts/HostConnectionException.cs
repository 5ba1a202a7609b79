using System;

namespace LiveMigrate.Hosts
{
    /// <summary>A host could not be reached or refused to authenticate us.</summary>
    public sealed class HostConnectionException : Exception
    {
        public HostConnectionException(HostAddress address, string message, Exception? inner = null) : base(message, inner)
        {
            Address = address;
        }

        public HostAddress Address { get; }
    }
}
