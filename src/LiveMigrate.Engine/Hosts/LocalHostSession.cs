using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using LiveMigrate.Commands;

namespace LiveMigrate.Hosts
{
    /// <summary>This machine, without SSH: the same quoted command line run by /bin/sh.</summary>
    public sealed class LocalHostSession : IHostSession
    {
        public string Name => "localhost";
        public bool IsConnected => true;

        /// <summary>This machine as a migration host. runc and CRIU run only on Linux: elsewhere (a Windows controller) it is refused with the way out.</summary>
        public static LocalHostSession Open(bool onLinux, string platform)
        {
            if (!onLinux)
                throw new PlatformNotSupportedException(
                    $"A local host runs runc and CRIU on this machine, which needs Linux; this controller runs on {platform}. " +
                    "Open each Linux host over SSH instead: New-MigrationHost root@HOST -KeyFilePath KEY.");
            return new LocalHostSession();
        }

        public CommandResult Run(CommandLine command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var process = Start(command);
            process.StandardInput.Dispose();
            return process.WaitForExit(timeout, cancellationToken);
        }

        public IHostProcess Start(CommandLine command) => new LocalProcess(Name, command);

        public void Dispose() { }

        private sealed class LocalProcess : IHostProcess
        {
            private readonly string _host;
            private readonly CommandLine _command;
            private readonly Process _process;
            private readonly Task<string> _stderr;
            private readonly Stopwatch _clock = Stopwatch.StartNew();

            public LocalProcess(string host, CommandLine command)
            {
                _host = host;
                _command = command;
                // The command travels in the environment, so .NET's own argument splitting never sees it.
                var psi = new ProcessStartInfo("/bin/sh", "-c \"eval \\\"$LIVEMIGRATE_COMMAND\\\"\"")
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                psi.Environment["LIVEMIGRATE_COMMAND"] = command.ToShellString();
                _process = Process.Start(psi) ?? throw new InvalidOperationException("/bin/sh could not be started.");
                _stderr = _process.StandardError.ReadToEndAsync();
            }

            public Stream StandardOutput => _process.StandardOutput.BaseStream;
            public Stream StandardInput => _process.StandardInput.BaseStream;

            public CommandResult WaitForExit(TimeSpan timeout, CancellationToken cancellationToken)
            {
                var stdout = Task.Run(() => new StreamReader(StandardOutput).ReadToEnd());
                var exited = Task.Run(() => _process.WaitForExit((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds)));
                try
                {
                    exited.Wait(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                    throw;
                }
                if (!exited.Result)
                {
                    Kill();
                    throw new CommandFailedException(_host, _command, $"'{_command}' on {_host} did not finish within {timeout.TotalSeconds:0.#} s and was killed.") { TimedOut = true };
                }
                Task.WaitAll(new Task[] { stdout, _stderr }, TimeSpan.FromSeconds(10));
                return new CommandResult(_process.ExitCode, stdout.IsCompleted ? stdout.Result : "", _stderr.IsCompleted ? _stderr.Result : "", _clock.Elapsed);
            }

            private void Kill()
            {
                try { _process.Kill(); } catch (InvalidOperationException) { /* already exited */ }
            }

            public void Dispose() => _process.Dispose();
        }
    }
}
