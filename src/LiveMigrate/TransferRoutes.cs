using System;
using LiveMigrate.Transfer;

namespace LiveMigrate.PowerShell
{
    /// <summary>
    /// The -TransferRoute parameter's values: strings in the cmdlets (PowerShell reads parameter types before the engine
    /// can load), the engine's enum once the cmdlet runs.
    /// </summary>
    internal static class TransferRoutes
    {
        public const string Auto = nameof(TransferRoute.Auto);
        public const string Direct = nameof(TransferRoute.Direct);
        public const string Relay = nameof(TransferRoute.Relay);

        public static TransferRoute Parse(string value) => (TransferRoute)Enum.Parse(typeof(TransferRoute), value, ignoreCase: true);

        /// <summary>The transport the cmdlets stream with, bounded by <paramref name="timeout"/> per stream.</summary>
        public static SshTreeTransport Transport(string route, TimeSpan timeout, string compress = StreamCompressions.None) =>
            new SshTreeTransport(timeout, Parse(route), StreamCompressions.Parse(compress));
    }
}
