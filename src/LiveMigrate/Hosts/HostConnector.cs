using System;
using System.IO;
using System.Runtime.InteropServices;
using LiveMigrate.Hosts;

namespace LiveMigrate.Commands.Hosts
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
