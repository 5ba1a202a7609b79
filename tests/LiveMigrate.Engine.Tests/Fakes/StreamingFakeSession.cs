using System;
using System.IO;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>A host whose started commands have the given streams and end with the given result.</summary>
    public sealed class StreamingFakeSession : IHostSession
    {
        private readonly Func<CommandLine, FakeProcess> _start;

        public StreamingFakeSession(string name, Func<CommandLine, FakeProcess> start)
        {
            Name = name;
            _start = start;
        }

        public string Name { get; }
        public bool IsConnected => true;
        public CommandResult Run(CommandLine command, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IHostProcess Start(CommandLine command) => _start(command);
        public void Dispose() { }
    }

    public sealed class FakeProcess : IHostProcess
    {
        private readonly Action? _exited;

        /// <param name="exited">What happens on the host when the process ends (seen by the first wait).</param>
        public FakeProcess(Stream stdout, Stream stdin, CommandResult result, Action? exited = null)
        {
            StandardOutput = stdout;
            StandardInput = stdin;
            Result = result;
            _exited = exited;
        }

        public Stream StandardOutput { get; }
        public Stream StandardInput { get; }
        public CommandResult Result { get; }
        public bool Disposed { get; private set; }

        public CommandResult WaitForExit(TimeSpan timeout, CancellationToken cancellationToken)
        {
            _exited?.Invoke();
            return Result;
        }

        public void Dispose()
        {
            Disposed = true;
            StandardOutput.Dispose();
        }
    }

    /// <summary>A sender that has gone quiet: Read blocks until the stream is closed under it.</summary>
    public sealed class StalledStream : MemoryStream
    {
        private readonly ManualResetEventSlim _closed = new ManualResetEventSlim();

        public override int Read(byte[] buffer, int offset, int count)
        {
            _closed.Wait(TimeSpan.FromSeconds(30));
            throw new ObjectDisposedException(nameof(StalledStream));
        }

        protected override void Dispose(bool disposing)
        {
            _closed.Set();
            base.Dispose(disposing);
        }
    }
}
