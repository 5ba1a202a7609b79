using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;

namespace LiveMigrate.PowerShell
{
    /// <summary>
    /// The open hosts of each runspace: one connection per host, reused by every cmdlet in that
    /// runspace and closed with it. Keyed by runspace so jobs and parallel runspaces never share one.
    /// </summary>
    internal static class HostRegistry
    {
        private static readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, MigrationHost>> ByRunspace =
            new ConcurrentDictionary<Guid, ConcurrentDictionary<string, MigrationHost>>();

        private static ConcurrentDictionary<string, MigrationHost> Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                var id = runspace?.InstanceId ?? Guid.Empty;
                return ByRunspace.GetOrAdd(id, _ =>
                {
                    if (runspace != null) runspace.StateChanged += OnRunspaceStateChanged;
                    return new ConcurrentDictionary<string, MigrationHost>(StringComparer.OrdinalIgnoreCase);
                });
            }
        }

        /// <summary>Finds an open host by any spelling of its address: 10.1.2.3 and root@10.1.2.3:22 are one host.</summary>
        public static bool TryGet(string name, out MigrationHost host) =>
            Current.TryGetValue(Key(name), out host!) && host.IsConnected;

        private static string Key(string name) =>
            LiveMigrate.Hosts.HostAddress.TryParse(name, out var address, out _) && !string.Equals(name, HostConnector.LocalName, StringComparison.OrdinalIgnoreCase)
                ? address!.ToString()
                : name;

        public static MigrationHost GetOrAdd(string name, Func<MigrationHost> connect)
        {
            var hosts = Current;
            if (hosts.TryGetValue(name, out var existing) && existing.IsConnected) return existing;
            var created = connect();
            if (existing != null) existing.Dispose();
            hosts[name] = created;
            return created;
        }

        public static IReadOnlyList<MigrationHost> All => Current.Values.OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase).ToList();

        public static void Remove(MigrationHost host)
        {
            if (Current.TryRemove(host.Name, out var removed)) removed.Dispose();
            else host.Dispose();
        }

        private static void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            if (e.RunspaceStateInfo.State != RunspaceState.Closed && e.RunspaceStateInfo.State != RunspaceState.Broken) return;
            if (sender is Runspace runspace && ByRunspace.TryRemove(runspace.InstanceId, out var hosts))
            {
                runspace.StateChanged -= OnRunspaceStateChanged;
                foreach (var h in hosts.Values) h.Dispose();
            }
        }
    }
}
