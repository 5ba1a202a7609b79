using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>A host session that answers each command from a script and records what it was asked to run.</summary>
    public sealed class FakeHostSession : IHostSession
    {
        private readonly Func<CommandLine, CommandResult> _respond;
        private readonly Func<CommandLine, FakeProcess>? _start;

        /// <param name="start">Answers streamed commands (RuncHost reads images with cat); null refuses them.</param>
        public FakeHostSession(Func<CommandLine, CommandResult> respond, Func<CommandLine, FakeProcess>? start = null, string name = "fakehost")
        {
            _respond = respond;
            _start = start;
            Name = name;
        }

        public string Name { get; }
        public bool IsConnected => true;
        public List<(CommandLine command, TimeSpan timeout)> Runs { get; } = new();

        public static CommandResult Exit(int code, string stdout = "", string stderr = "") =>
            new CommandResult(code, stdout, stderr, TimeSpan.FromMilliseconds(1));

        public CommandResult Run(CommandLine command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Runs.Add((command, timeout));
            return _respond(command);
        }

        public List<CommandLine> Started { get; } = new();

        public IHostProcess Start(CommandLine command)
        {
            Started.Add(command);
            return _start?.Invoke(command) ?? throw new NotSupportedException("this test streams nothing");
        }

        public void Dispose() { }
    }
}
