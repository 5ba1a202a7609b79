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

namespace LiveMigrate.Commands.Hosts
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
        private const int PollMs = 150;
        /// <summary>The most a command run to completion may print, and one call may carry.</summary>
        internal const int OutputLimit = 16 * 1024 * 1024;
        private const int ChunkBytes = 1024 * 1024;
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
            var reply = Call(command, cancellationToken, "run", argv: command.ToArgumentVector(), waitMs: PollMs);
            if (Text(reply, "Failed") is string failed) return new CommandResult(127, "", failed, clock.Elapsed);
            var id = Text(reply, "Id")!;
            try
            {
                while (!Flag(reply, "Exited"))
                {
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
            if (Flag(reply, "Truncated"))
                throw new CommandFailedException(Name, command, $"'{command}' on {Name} printed more than {OutputLimit / 1048576} MiB, more than any command of LiveMigrate prints; its output was dropped.");
            return new CommandResult(Number(reply, "Code"), Text(reply, "Out") ?? "", Text(reply, "Err") ?? "", clock.Elapsed);
        }

        public IHostProcess Start(CommandLine command)
        {
            var reply = Call(command, CancellationToken.None, "start", argv: command.ToArgumentVector());
            return new SessionProcess(this, command, Text(reply, "Id"), Text(reply, "Failed"));
        }

        /// <summary>One call in the session, after the calls of other threads: a bounded wait for the turn and for the answer.</summary>
        private Hashtable Call(CommandLine shown, CancellationToken ct, string op, string? id = null, IReadOnlyList<string>? argv = null, byte[]? data = null, int waitMs = 0)
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
                using var ps = PowerShell.Create();
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

        private Hashtable Invoke(PowerShell ps, CommandLine shown, TimeSpan bound, CancellationToken ct)
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

        private void Kill(string id, CommandLine shown)
        {
            try { Call(shown, CancellationToken.None, "kill", id); }
            catch (Exception) { /* the host's timeout(1) ends it; a session that is gone took it along */ }
        }

        private static string? Text(Hashtable reply, string key) => reply[key] is object v ? PSObjectBase(v) as string : null;
        private static bool Flag(Hashtable reply, string key) => reply[key] is object v && PSObjectBase(v) is bool b && b;
        private static int Number(Hashtable reply, string key) => reply[key] is object v ? Convert.ToInt32(PSObjectBase(v), System.Globalization.CultureInfo.InvariantCulture) : -1;
        private static byte[] Bytes(Hashtable reply, string key) => reply[key] is object v && PSObjectBase(v) is byte[] b ? b : new byte[0];
        private static object PSObjectBase(object value) => value is PSObject p ? p.BaseObject : value;

        private static string ReadScript()
        {
            using var stream = typeof(PowerShellSessionHost).Assembly.GetManifestResourceStream("LiveMigrate.Commands.Scripts.session-process.ps1")
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
            string[] left;
            lock (_running) left = _running.ToArray();
            var shown = new CommandLine("forget");
            foreach (var id in left)
            {
                try { Call(shown, CancellationToken.None, "forget", id); }
                catch (Exception) { /* the session is gone, and the pipes with it */ }
            }
            _disposed = true;
        }

        /// <summary>A program started in the session, its stdout and stdin exchanged in calls.</summary>
        private sealed class SessionProcess : IHostProcess
        {
            private readonly PowerShellSessionHost _host;
            private readonly CommandLine _command;
            private readonly string? _id;
            private readonly string? _failure;
            private readonly Stopwatch _clock = Stopwatch.StartNew();
            private int _forgotten;

            public SessionProcess(PowerShellSessionHost host, CommandLine command, string? id, string? failure)
            {
                _host = host;
                _command = command;
                _id = id;
                _failure = failure;
                if (id != null) lock (host._running) host._running.Add(id);
                StandardOutput = id == null ? Stream.Null : new OutputStream(this);
                StandardInput = id == null ? Stream.Null : new InputStream(this);
            }

            public Stream StandardOutput { get; }
            public Stream StandardInput { get; }

            private Hashtable Call(string op, byte[]? data = null, int waitMs = 0) =>
                _forgotten == 0 ? _host.Call(_command, CancellationToken.None, op, _id, data: data, waitMs: waitMs)
                    : throw new ObjectDisposedException(_command.ToString(), $"'{_command}' on {_host.Name} was closed.");

            public CommandResult WaitForExit(TimeSpan timeout, CancellationToken cancellationToken)
            {
                if (_id == null) return new CommandResult(127, "", _failure ?? "", _clock.Elapsed);
                // Read alongside, or a chatty program blocks on a full pipe.
                var stdout = System.Threading.Tasks.Task.Run(() => ReadRest());
                var deadline = Stopwatch.StartNew();
                Hashtable reply;
                try
                {
                    while (!Flag(reply = _host.Call(_command, cancellationToken, "wait", _id, waitMs: PollMs), "Exited"))
                    {
                        if (deadline.Elapsed <= timeout) continue;
                        _host.Kill(_id, _command);
                        throw new CommandFailedException(_host.Name, _command, $"'{_command}' on {_host.Name} did not finish within {timeout.TotalSeconds:0.#} s and was killed.") { TimedOut = true };
                    }
                }
                catch (OperationCanceledException)
                {
                    _host.Kill(_id, _command);
                    throw;
                }
                stdout.Wait(TimeSpan.FromSeconds(10));
                var output = stdout.Status == System.Threading.Tasks.TaskStatus.RanToCompletion ? stdout.Result : "";
                return new CommandResult(Number(reply, "Code"), output, Text(reply, "Err") ?? "", _clock.Elapsed);
            }

            private string ReadRest()
            {
                using var rest = new MemoryStream();
                var buffer = new byte[65536];
                int n;
                while ((n = StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (rest.Length + n > OutputLimit) throw new InvalidDataException($"'{_command}' on {_host.Name} printed more than {OutputLimit / 1048576} MiB.");
                    rest.Write(buffer, 0, n);
                }
                return new System.Text.UTF8Encoding(false).GetString(rest.ToArray());
            }

            public void Dispose()
            {
                if (_id == null || Interlocked.Exchange(ref _forgotten, 1) != 0) return;
                lock (_host._running) _host._running.Remove(_id);
                try { _host.Call(_command, CancellationToken.None, "forget", _id); }
                catch (Exception) { /* the session is gone, and the program's pipes with it */ }
            }

            /// <summary>The program's stdout, fetched a chunk at a time.</summary>
            private sealed class OutputStream : Stream
            {
                private readonly SessionProcess _process;
                private byte[] _chunk = new byte[0];
                private int _at;
                private bool _end;

                public OutputStream(SessionProcess process) => _process = process;

                public override int Read(byte[] buffer, int offset, int count)
                {
                    while (_at == _chunk.Length)
                    {
                        if (_end || count == 0) return 0;
                        var reply = _process.Call("read", waitMs: PollMs);
                        _chunk = Bytes(reply, "Data");
                        _at = 0;
                        _end = Flag(reply, "End");
                    }
                    var n = Math.Min(count, _chunk.Length - _at);
                    Buffer.BlockCopy(_chunk, _at, buffer, offset, n);
                    _at += n;
                    return n;
                }

                public override bool CanRead => true;
                public override bool CanSeek => false;
                public override bool CanWrite => false;
                public override long Length => throw new NotSupportedException();
                public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
                public override void Flush() { }
                public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
                public override void SetLength(long value) => throw new NotSupportedException();
                public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            }

            /// <summary>The program's stdin: each write taken once the session has room for it; disposing closes it.</summary>
            private sealed class InputStream : Stream
            {
                private readonly SessionProcess _process;
                private bool _closed;

                public InputStream(SessionProcess process) => _process = process;

                public override void Write(byte[] buffer, int offset, int count)
                {
                    for (var at = 0; at < count && !_closed;)
                    {
                        var chunk = new byte[Math.Min(ChunkBytes, count - at)];
                        Buffer.BlockCopy(buffer, offset + at, chunk, 0, chunk.Length);
                        var reply = _process.Call("write", chunk, PollMs);
                        if (!Flag(reply, "Accepted")) continue;
                        _closed = Flag(reply, "Closed");
                        at += chunk.Length;
                    }
                }

                protected override void Dispose(bool disposing)
                {
                    if (disposing && !_closed && _process._forgotten == 0)
                    {
                        _closed = true;
                        try { while (!Flag(_process.Call("close", waitMs: PollMs), "Closed")) { } }
                        catch (Exception) { /* the program or the session is gone: its input is closed */ }
                    }
                    base.Dispose(disposing);
                }

                public override bool CanRead => false;
                public override bool CanSeek => false;
                public override bool CanWrite => true;
                public override long Length => throw new NotSupportedException();
                public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
                public override void Flush() { }
                public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
                public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
                public override void SetLength(long value) => throw new NotSupportedException();
            }
        }
    }
}
