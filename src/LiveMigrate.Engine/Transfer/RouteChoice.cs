using System;
using LiveMigrate.Hosts;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// Which way a move's streams go between two sessions: the move itself (<see cref="SshTreeTransport.Open"/>) and
    /// readiness's bandwidth sample decide alike, so that readiness measures the route the move will take.
    /// </summary>
    public static class RouteChoice
    {
        /// <summary>
        /// <paramref name="direct"/> over a link from <paramref name="source"/> to <paramref name="destination"/>, or
        /// <paramref name="relayed"/> with the reason: asked (Relay), a host without SSH (a local one; Direct refuses it),
        /// or, under Auto, a link that could not be made.
        /// </summary>
        public static T Take<T>(TransferRoute route, IHostSession source, IHostSession destination, Func<IDirectLinkTarget, T> direct, Func<string, T> relayed)
        {
            if (route == TransferRoute.Relay) return relayed("as asked");
            if (!(destination is IDirectLinkTarget target) || !(source is IDirectLinkTarget))
            {
                if (route == TransferRoute.Direct)
                    throw new NotSupportedException($"A direct route needs SSH to both hosts; {(source is IDirectLinkTarget ? destination : source).Name} is local. Use -TransferRoute Relay or Auto.");
                return relayed("one host is local");
            }
            try { return direct(target); }
            catch (Exception ex) when (route == TransferRoute.Auto && !(ex is OperationCanceledException))
            {
                return relayed($"the direct link could not be made: {ex.Message}");
            }
        }
    }
}
