using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using LiveMigrate.Hooks;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;
using LiveMigrate.Plans;
using LiveMigrate.Plans.Execution;
using LiveMigrate.PowerShell;
using LiveMigrate.Readiness;
using LiveMigrate.Threading;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// Runs a migration plan: its waves in order, the migrations of a wave concurrently up to its throttle, each
    /// wave's failure policy after a failure. Output, progress and script hooks stay on the pipeline thread.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "MigrationPlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(PlannedMigrationOutcome))]
    public sealed class InvokeMigrationPlanCommand : LongRunningCmdlet
    {
        private readonly Dictionary<string, MigrationHost> _hosts = new Dictionary<string, MigrationHost>(StringComparer.Ordinal);
        // Each command hook with its secret arguments read, for the whole run.
        private readonly Dictionary<PlanCommandHook, HostCommandHook> _hookCommands = new Dictionary<PlanCommandHook, HostCommandHook>();
        // Writes the waves; each migration's progress nests under its activity.
        private PlanRunReporter _reporter = null!;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Move without the readiness checks before each migration.</summary>
        [Parameter]
        public SwitchParameter SkipReadiness { get; set; }

        /// <summary>Move even when readiness checks warned (a failed check still fails that migration).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var plan = Load();
            if (plan == null) return;
            var all = plan.Migrations.ToList();
            var what = $"Run {all.Count} migration(s) in {plan.Waves.Count} wave(s): " +
                       string.Join("; ", plan.Waves.Select(w => $"{w.Name} (throttle {w.Throttle}, on failure {w.FailurePolicy}): " +
                           string.Join(", ", w.Migrations.Select(m => $"{m.Container} {m.Source.Name} -> {m.Destination.Name} ({m.Mode})"))));
            if (!this.ShouldProcessOrExplain(plan.Path, what)) return;
            if (!OpenHosts(plan) || !ReadHookSecrets(plan)) return;
            _reporter = new PlanRunReporter(this, plan);
            var scheduler = new WaveScheduler(Migrate, RollBack, Dispatcher, _reporter);
            try
            {
                scheduler.Run(plan.Waves, StopToken);
            }
            finally
            {
                _reporter.Complete();
            }
        }

        private MigrationPlan? Load()
        {
            string file;
            PlanLoadResult loaded;
            try
            {
                var files = GetResolvedProviderPathFromPSPath(Path, out _);
                if (files.Count != 1) throw new IOException($"'{Path}' matches {files.Count} files; give one plan at a time (Get-ChildItem *.yaml | Invoke-MigrationPlan runs several).");
                file = files[0];
                loaded = MigrationPlanLoader.Load(file);
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is IOException || ex is InvalidOperationException)
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"Cannot read the plan file '{Path}': {ex.Message}", Path, ex), "PlanFileNotFound", ErrorCategory.ObjectNotFound, Path));
                return null;
            }
            foreach (var warning in loaded.Problems.Where(p => p.Severity == PlanProblemSeverity.Warning)) WriteWarning($"{warning.File}:{warning.Line}:{warning.Column} {warning.Message}");
            if (loaded.IsValid) return loaded.Plan;
            var errors = loaded.Errors.ToList();
            WriteError(new ErrorRecord(new InvalidDataException($"The plan {file} has {errors.Count} error(s); nothing was moved. Test-MigrationPlan lists them with their fixes. " +
                    string.Join(" ", errors.Select(e => $"{e.File}:{e.Line}:{e.Column} {e.Message}"))),
                "PlanInvalid", ErrorCategory.InvalidData, file));
            return null;
        }

        /// <summary>Opens every host of the plan on the pipeline thread (the runspace's registry lives there) before anything moves.</summary>
        private string? ProviderPath(string? path) => path == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        private bool OpenHosts(MigrationPlan plan)
        {
            foreach (var h in plan.Hosts.Where(h => plan.Migrations.Any(m => m.Source == h || m.Destination == h)))
            {
                try
                {
                    // ~ and relative paths as PowerShell reads them (its location, not the process's), with either separator on Windows.
                    var options = new HostConnectionOptions(h.Address, ProviderPath(h.KnownHostsPath) ?? HostConnector.DefaultKnownHostsPath)
                    {
                        KeyFilePath = ProviderPath(h.KeyPath),
                        LinkAddress = h.LinkAddress,
                        Secret = h.Secret == null ? null : ReadSecret(h.Secret, h.Vault),
                        PrivateKey = h.KeySecret == null ? null : ReadSecret(h.KeySecret, h.Vault),
                        KnownHostLines = h.KnownHostsSecret == null ? null : new[] { ReadSecret(h.KnownHostsSecret, h.Vault) },
                        Become = h.Become,
                    };
                    _hosts[h.Name] = HostConnector.Connect(options);
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    // The cause's own ErrorId (HostKeyUnknown, HostConnectionFailed...), with the plan's context in the message.
                    var record = ErrorRecords.From(ex, h.Name);
                    record.ErrorDetails = new ErrorDetails($"Host '{h.Name}' ({h.Address}) of the plan cannot be opened, so nothing was moved: {ex.Message}");
                    WriteError(record);
                    return false;
                }
            }
            return true;
        }

        /// <summary>Reads the secret arguments of every command hook the run uses, before anything moves; one that cannot be read stops the run.</summary>
        private bool ReadHookSecrets(MigrationPlan plan)
        {
            foreach (var hook in plan.Migrations.SelectMany(m => m.Hooks).OfType<PlanCommandHook>().Distinct())
            {
                try
                {
                    _hookCommands[hook] = hook.Command.WithSecrets(hook.Secrets.ToDictionary(kv => kv.Key, kv => ReadSecret(kv.Value.Name, kv.Value.Vault)));
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteError(new ErrorRecord(new InvalidOperationException($"A secret argument of the {hook.Stage} hook {hook.Command} cannot be read, so nothing was moved: {ex.Message}", ex),
                        "HookSecretUnavailable", ErrorCategory.InvalidOperation, hook.Stage.ToString()));
                    return false;
                }
            }
            return true;
        }

        /// <summary>A SecretManagement secret (a passphrase, password, private key, known_hosts lines or token) as text, only for the connection or the hook.</summary>
        private string ReadSecret(string name, string? vault)
        {
            if (InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function) == null)
                throw new InvalidOperationException($"it names the secret '{name}', but Get-Secret is not available: Install-Module Microsoft.PowerShell.SecretManagement and register a vault.");
            var script = ScriptBlock.Create("param($name, $vault) if ($vault) { Get-Secret -Name $name -Vault $vault -ErrorAction Stop } else { Get-Secret -Name $name -ErrorAction Stop }");
            var value = script.Invoke(name, vault).Select(o => o.BaseObject).FirstOrDefault();
            return value switch
            {
                PSCredential c => c.GetNetworkCredential().Password,
                System.Security.SecureString s => new System.Net.NetworkCredential("", s).Password,
                string s => s,
                _ => throw new InvalidOperationException($"the secret '{name}' is not a password, SecureString or PSCredential."),
            };
        }

        private MigrationResult Migrate(PlannedMigration m, CancellationToken ct)
        {
            var request = m.Request.Copy();
            request.Readiness.Skip |= SkipReadiness.IsPresent;
            request.Readiness.Force |= Force.IsPresent;
            return Move(m, request, _hosts[m.Source.Name], _hosts[m.Destination.Name], withHooks: true, ct);
        }

        private MigrationResult RollBack(PlannedMigrationOutcome outcome, CancellationToken ct)
        {
            var m = outcome.Migration;
            return Move(m, m.Request.Return(), _hosts[m.Destination.Name], _hosts[m.Source.Name], withHooks: false, ct);
        }

        /// <summary>
        /// On a worker: readiness (a Fail, or a Warn without force, fails the migration before anything is frozen), then the
        /// move; the plan's hooks run on the way there, not on a wave's way back.
        /// </summary>
        private MigrationResult Move(PlannedMigration m, MigrationRequest request, MigrationHost source, MigrationHost destination, bool withHooks, CancellationToken ct)
        {
            var from = source.Endpoint();
            var to = destination.Endpoint();
            if (MigrationCoordinator.Refusal(request, from, to) is { } refused) throw refused.Error;
            var coordinator = new MigrationCoordinator(ControllerJournal.Open);
            var options = coordinator.Settle(request, from, to, text => Verbose($"{m.Name}: {text}"), ct);
            if (withHooks) options.Hooks = Hooks(m, source, destination, ct);
            var progress = new MigrationProgressWriter(this, m.Container, source.Name, destination.Name, _reporter.ActivityId);
            try
            {
                return coordinator.Move(request, options, from, to, new DispatchingMigrationObserver(progress, Dispatcher), ct);
            }
            finally
            {
                progress.Complete();
            }
        }

        private HookSet? Hooks(PlannedMigration m, MigrationHost source, MigrationHost destination, CancellationToken ct)
        {
            if (m.Hooks.Count == 0) return null;
            var hooks = new HookSet();
            foreach (var hook in m.Hooks)
            {
                hooks.Add(hook.Stage, hook switch
                {
                    PlanCommandHook c => PowerShellHooks.HostCommand(text => Verbose($"{m.Name}: {text}"), c.Stage, _hookCommands[c], source, destination, ct),
                    // A script file runs on the pipeline thread, with the context as its first argument.
                    PlanScriptHook s => context => OnPipelineThread(() =>
                    {
                        foreach (var item in ScriptBlock.Create("param($path, $context) & $path $context").Invoke(s.ScriptPath, context))
                            Verbose($"{m.Name} {s.Stage} hook: {item}");
                    }),
                    _ => throw new NotSupportedException(hook.GetType().Name),
                });
            }
            return hooks;
        }
    }
}
