using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.PowerShell
{
    /// <summary>
    /// A host driven through an open PowerShell session (pwsh's SSH remoting): each command starts there from its argument
    /// vector (session-process.ps1, no shell reading the words) and its streams travel in short calls. The session runs one
    /// call at a time, so calls from the engine's threads take turns here, each bounded; a program runs on in the session
    /// between calls, so long ones (a lazy dump, a stream) run beside the others. The session stays the caller's: disposing
    /// this host ends what LiveMigrate left running in it, not the session.
    /// </summary>
    internal sealed class PowerShellSessionHost : IDirectLinkTarget
    {
        /// <summary>How long the session holds one call waiting for a program; short, so other threads get their turn.</summary>
        internal const int PollMs = 150;
        /// <summary>The most a command run to completion may print, and one call may carry.</summary>
        internal const int OutputLimit = 16 * 1024 * 1024;
        internal const int ChunkBytes = 1024 * 1024;
        /// <summary>What readiness streams through the controller to measure the relayed bandwidth (~7 MB/s each way here).</summary>
        internal const long BandwidthSampleBytes = 4L << 20;
        /// <summary>Beyond its own wait, what one call may take before the session counts as not answering.</summary>
        private static readonly TimeSpan CallMargin = TimeSpan.FromSeconds(30);
        private static readonly string Script = ReadScript();

        private readonly PSSession _session;
        private readonly SemaphoreSlim _turn = new SemaphoreSlim(1, 1);
        private readonly HashSet<string> _running = new HashSet<string>();
        private volatile bool _disposed;

        internal PowerShellSessionHost(PSSession session, HostAddress address, HostAddress? linkAddress, string hostKey)
        {
            _session = session;
            Name = address.ToString();
            ReachableAt = linkAddress ?? address;
            HostKey = hostKey;
        }

        public string Name { get; }
        public HostAddress ReachableAt { get; }
        public string HostKey { get; }
        public PSSession Session => _session;
        public bool IsConnected => !_disposed && _session.Runspace.RunspaceStateInfo.State == RunspaceState.Opened;

        public CommandResult Run(CommandLine command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            // Not cancelled midway: a stop during this call would leave the program running with no id to kill it by.
            var reply = Call(command, CancellationToken.None, "run", argv: command.ToArgumentVector(), waitMs: PollMs);
            if (SessionReply.Text(reply, "Failed") is string failed) return new CommandResult(127, "", failed, clock.Elapsed);
            var id = SessionReply.Text(reply, "Id")!;
            try
            {
                while (!SessionReply.Flag(reply, "Exited"))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (clock.Elapsed > timeout)
                    {
                        Kill(id, command);
                        throw new CommandFailedException(Name, command, $"'{command}' on {Name} did not finish within {timeout.TotalSeconds:0.#} s and was killed.") { TimedOut = true };
                    }
                    reply = Call(command, cancellationToken, "wait", id, waitMs: PollMs);
                }
            }
            catch (OperationCanceledException)
            {
                Kill(id, command);
                throw;
            }
            if (SessionReply.Flag(reply, "Truncated"))
                throw new CommandFailedException(Name, command, $"'{command}' on {Name} printed more than {OutputLimit / 1048576} MiB, more than any command of LiveMigrate prints; its output was dropped.");
            return new CommandResult(SessionReply.Number(reply, "Code"), SessionReply.Text(reply, "Out") ?? "", SessionReply.Text(reply, "Err") ?? "", clock.Elapsed);
        }

        public IHostProcess Start(CommandLine command)
        {
            var reply = Call(command, CancellationToken.None, "start", argv: command.ToArgumentVector());
            return new SessionProcess(this, command, SessionReply.Text(reply, "Id"), SessionReply.Text(reply, "Failed"));
        }

        /// <summary>One call in the session, after the calls of other threads: a bounded wait for the turn and for the answer.</summary>
        internal Hashtable Call(CommandLine shown, CancellationToken ct, string op, string? id = null, IReadOnlyList<string>? argv = null, byte[]? data = null, int waitMs = 0)
        {
            // Closed, it starts nothing more; what runs may still be waited for and ended (a stopped migration's kill).
            if (_disposed && (op == "run" || op == "start"))
                throw new ObjectDisposedException(Name, $"The host {Name} was closed with Remove-MigrationHost; open it again with New-MigrationHost -Session.");
            var bound = TimeSpan.FromMilliseconds(waitMs) + CallMargin;
            if (!_turn.Wait(bound + bound, ct))
                throw new CommandFailedException(Name, shown, $"The PowerShell session to {Name} stayed busy for {(bound + bound).TotalSeconds:0} s; '{shown}' was not run. Leave the session to LiveMigrate while it works on that host.");
            try
            {
                var state = _session.Runspace.RunspaceStateInfo.State;
                if (state != RunspaceState.Opened)
                    throw new CommandFailedException(Name, shown, $"The PowerShell session to {Name} is {state}, so '{shown}' could not run there. Open a new one with New-PSSession and give it to New-MigrationHost -Session.");
                using var ps = System.Management.Automation.PowerShell.Create();
                ps.Runspace = _session.Runspace;
                // A command run to completion answers with all it printed; a stream, a chunk at a time.
                var max = op == "run" || op == "wait" ? OutputLimit : ChunkBytes;
                ps.AddScript(Script, useLocalScope: true).AddParameter("Op", op).AddParameter("WaitMs", waitMs).AddParameter("Max", max);
                if (id != null) ps.AddParameter("Id", id);
                if (argv != null) ps.AddParameter("Argv", argv.ToArray());
                if (data != null) ps.AddParameter("Data", data);
                return Invoke(ps, shown, bound, ct);
            }
            finally
            {
                _turn.Release();
            }
        }

        private Hashtable Invoke(System.Management.Automation.PowerShell ps, CommandLine shown, TimeSpan bound, CancellationToken ct)
        {
            IAsyncResult pending;
            try { pending = ps.BeginInvoke(); }
            catch (Exception ex) when (ex is InvalidRunspaceStateException || ex is PSInvalidOperationException)
            {
                throw new CommandFailedException(Name, shown, $"The PowerShell session to {Name} cannot run '{shown}': {ex.Message} Leave the session to LiveMigrate while it works on that host, or open a new one.", inner: ex);
            }
            var which = WaitHandle.WaitAny(new[] { pending.AsyncWaitHandle, ct.WaitHandle }, bound);
            if (which != 0)
            {
                // Stops the remote pipeline; a session that does not answer that either is left to its own timeouts.
                try { ps.BeginStop(null, null).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)); } catch (Exception) { /* the session is gone */ }
                ct.ThrowIfCancellationRequested();
                throw new CommandFailedException(Name, shown, $"The PowerShell session to {Name} did not answer within {bound.TotalSeconds:0} s while running '{shown}'; check that the host still answers.") { TimedOut = true };
            }
            Hashtable? reply;
            try { reply = ps.EndInvoke(pending).Select(o => o?.BaseObject).OfType<Hashtable>().LastOrDefault(); }
            catch (RuntimeException ex)
            {
                throw new CommandFailedException(Name, shown, $"'{shown}' could not be run through the PowerShell session to {Name}: {ex.Message}", inner: ex);
            }
            if (ps.Streams.Error.Count > 0)
                throw new CommandFailedException(Name, shown, $"'{shown}' could not be run through the PowerShell session to {Name}: {ps.Streams.Error[0]}");
            return reply ?? throw new CommandFailedException(Name, shown,
                $"The PowerShell session to {Name} gave no answer for '{shown}'. It needs PowerShell 7 in FullLanguage mode on the host.");
        }

        internal void Kill(string id, CommandLine shown)
        {
            try { Call(shown, CancellationToken.None, "kill", id); }
            catch (Exception) { /* the host's timeout(1) ends it; a session that is gone took it along */ }
        }

        internal void Track(string id) { lock (_running) _running.Add(id); }
        internal void Untrack(string id) { lock (_running) _running.Remove(id); }

        private static string ReadScript()
        {
            using var stream = typeof(PowerShellSessionHost).Assembly.GetManifestResourceStream("LiveMigrate.PowerShell.Scripts.session-process.ps1")
                ?? throw new FileNotFoundException("session-process.ps1 is not embedded in the module.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }

        /// <summary>
        /// Closes the pipes of what LiveMigrate started in the session, as a closed SSH connection does: the programs run on
        /// (a page guard must outlive its controller). The session itself is the caller's to close.
        /// </summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            string[] left;
            lock (_running) left = _running.ToArray();
            var shown = new CommandLine("forget");
            foreach (var id in left)
            {
                try { Call(shown, CancellationToken.None, "forget", id); }
                catch (Exception) { /* the session is gone, and the pipes with it */ }
            }
        }
    }
}
