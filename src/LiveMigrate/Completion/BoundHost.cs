using System.Collections;
using System.Linq;
using System.Management.Automation;
using LiveMigrate.PowerShell;

namespace LiveMigrate.PowerShell.Completion
{
    /// <summary>The host a command line being completed already names, if it is open: completion never connects or prompts.</summary>
    internal static class BoundHost
    {
        public static MigrationHost? From(IDictionary bound, params string[] parameters) =>
            parameters.Select(p => One(bound, p)).FirstOrDefault(h => h != null);

        private static MigrationHost? One(IDictionary bound, string key)
        {
            if (!bound.Contains(key)) return null;
            var value = bound[key] is PSObject p ? p.BaseObject : bound[key];
            if (value is MigrationHost h) return h;
            if (value is object[] arr && arr.Length > 0 && arr[0] is MigrationHost first) return first;
            return value is string s && HostRegistry.TryGet(s, out var open) ? open : null;
        }
    }
}
