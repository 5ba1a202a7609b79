using System;
using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.PowerShell
{
    /// <summary>A program started in the session, its stdout and stdin exchanged in calls.</summary>
    internal sealed class SessionProcess : IHostProcess
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
            if (id != null) host.Track(id);
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
                while (!SessionReply.Flag(reply = _host.Call(_command, cancellationToken, "wait", _id, waitMs: PowerShellSessionHost.PollMs), "Exited"))
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
            return new CommandResult(SessionReply.Number(reply, "Code"), output, SessionReply.Text(reply, "Err") ?? "", _clock.Elapsed);
        }

        private string ReadRest()
        {
            using var rest = new MemoryStream();
            var buffer = new byte[65536];
            int n;
            while ((n = StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (rest.Length + n > PowerShellSessionHost.OutputLimit) throw new InvalidDataException($"'{_command}' on {_host.Name} printed more than {PowerShellSessionHost.OutputLimit / 1048576} MiB.");
                rest.Write(buffer, 0, n);
            }
            return new System.Text.UTF8Encoding(false).GetString(rest.ToArray());
        }

        public void Dispose()
        {
            if (_id == null || Interlocked.Exchange(ref _forgotten, 1) != 0) return;
            _host.Untrack(_id);
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
                    var reply = _process.Call("read", waitMs: PowerShellSessionHost.PollMs);
                    _chunk = SessionReply.Bytes(reply, "Data");
                    _at = 0;
                    _end = SessionReply.Flag(reply, "End");
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
                    var chunk = new byte[Math.Min(PowerShellSessionHost.ChunkBytes, count - at)];
                    Buffer.BlockCopy(buffer, offset + at, chunk, 0, chunk.Length);
                    var reply = _process.Call("write", chunk, PowerShellSessionHost.PollMs);
                    if (!SessionReply.Flag(reply, "Accepted")) continue;
                    _closed = SessionReply.Flag(reply, "Closed");
                    at += chunk.Length;
                }
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing && !_closed && _process._forgotten == 0)
                {
                    _closed = true;
                    try { while (!SessionReply.Flag(_process.Call("close", waitMs: PowerShellSessionHost.PollMs), "Closed")) { } }
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
