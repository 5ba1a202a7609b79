using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Threading;
using LiveMigrate.Hooks;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// Hooks as PowerShell gives them: the -Hook hashtable of Move-Container (per hook point a scriptblock, run
    /// with the context as $_ and as its first argument, or a host command @{ On = 'Destination'; Run = @(...) }
    /// whose SecureString arguments are secrets), and a plan's script files.
    /// </summary>
    internal static class PowerShellHooks
    {
        /// <summary>Reads -Hook; throws ArgumentException naming the bad entry and the fix.</summary>
        public static HookSet Parse(IDictionary table, LongRunningCmdlet cmdlet, MigrationHost source, MigrationHost destination, CancellationToken ct)
        {
            var hooks = new HookSet();
            foreach (DictionaryEntry entry in table)
            {
                var key = entry.Key?.ToString() ?? "";
                if (!Enum.TryParse<HookPoint>(key, ignoreCase: true, out var point) || !Enum.IsDefined(typeof(HookPoint), point) || key.All(char.IsDigit))
                    throw new ArgumentException($"-Hook has an unknown key '{key}'; the hooks are {string.Join(", ", Enum.GetNames(typeof(HookPoint)))}.");
                var value = entry.Value is PSObject pso ? pso.BaseObject : entry.Value;
                hooks.Add(point, value switch
                {
                    ScriptBlock script => context => cmdlet.OnPipelineThread(() => RunScript(cmdlet, point, script, context)),
                    IDictionary command => HostCommand(cmdlet.Verbose, point, ReadCommand(point, command), source, destination, ct),
                    _ => throw new ArgumentException($"-Hook {point} must be a scriptblock or a host command such as @{{ On = 'Destination'; Run = @('curl', '-fsS', 'http://localhost/health') }}, not {value?.GetType().Name ?? "null"}."),
                });
            }
            return hooks;
        }

        // PowerShell runs script blocks only on the pipeline thread.
        private static void RunScript(LongRunningCmdlet cmdlet, HookPoint point, ScriptBlock script, HookContext context)
        {
            var output = script.InvokeWithContext(null, new List<PSVariable> { new PSVariable("_", context) }, context);
            foreach (var item in output) cmdlet.Verbose($"{point} hook: {item}");
        }

        /// <param name="verbose">Where to say what runs; called on the hook's thread.</param>
        public static Action<HookContext> HostCommand(Action<string> verbose, HookPoint point, HostCommandHook hook, MigrationHost source, MigrationHost destination, CancellationToken ct) =>
            _ =>
            {
                var host = hook.On == HookHost.Source ? source : destination;
                verbose($"{point} hook on {host.Name}: {hook}");
                var output = hook.Run(host.Session, ct).Trim();
                if (output.Length > 0) verbose($"{point} hook: {output}");
            };

        private static HostCommandHook ReadCommand(HookPoint point, IDictionary command)
        {
            string? on = null;
            object? run = null;
            var timeout = TimeSpan.FromSeconds(60);
            foreach (DictionaryEntry e in command)
            {
                var value = e.Value is PSObject pso ? pso.BaseObject : e.Value;
                switch (e.Key?.ToString()?.ToLowerInvariant())
                {
                    case "on": on = value?.ToString(); break;
                    case "run": run = value; break;
                    case "timeoutsec": timeout = TimeSpan.FromSeconds(LanguagePrimitives.ConvertTo<int>(value)); break;
                    default: throw new ArgumentException($"-Hook {point} has an unknown key '{e.Key}'; a host command has On, Run and TimeoutSec.");
                }
            }
            if (!Enum.TryParse<HookHost>(on ?? "", ignoreCase: true, out var where) || !Enum.IsDefined(typeof(HookHost), where))
                throw new ArgumentException($"-Hook {point} needs On = 'Source' or On = 'Destination' to say where its command runs.");
            if (!(run is IEnumerable list) || run is string)
                throw new ArgumentException($"-Hook {point} needs Run as the program and its arguments, e.g. Run = @('curl', '-fsS', 'http://localhost/health'): a single string would need a shell, and none is used.");
            // A SecureString argument is a secret: the program gets its text, messages show ***.
            var arguments = list.Cast<object>().Select(a => a is PSObject p ? p.BaseObject : a).ToList();
            var secrets = Enumerable.Range(0, arguments.Count).Where(i => arguments[i] is SecureString).ToList();
            return new HostCommandHook(where, arguments.Select(a => a is SecureString s ? new NetworkCredential("", s).Password : a?.ToString() ?? "").ToList(), timeout, secrets);
        }
    }
}
