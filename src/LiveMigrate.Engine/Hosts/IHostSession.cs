using System;
using System.IO;
using System.Threading;
using LiveMigrate.Commands;

namespace LiveMigrate.Hosts
{
    /// <summary>An open connection to a host that runs argument vectors. Safe to share between threads.</summary>
    public interface IHostSession : IDisposable
    {
        /// <summary>How the host is shown to the user, e.g. <c>root@10.1.2.3:2222</c> or <c>localhost</c>.</summary>
        string Name { get; }

        bool IsConnected { get; }

        /// <summary>Runs a command to completion and collects its output; never throws for a non-zero exit.</summary>
        CommandResult Run(CommandLine command, TimeSpan timeout, CancellationToken cancellationToken);

        /// <summary>Starts a command whose standard streams the caller drives (for transfers).</summary>
        IHostProcess Start(CommandLine command);
    }

    /// <summary>A running command with its standard output and input open to the caller.</summary>
    public interface IHostProcess : IDisposable
    {
        Stream StandardOutput { get; }
        Stream StandardInput { get; }

        /// <summary>Waits for the command to end after its input was closed; returns exit code and stderr.</summary>
        CommandResult WaitForExit(TimeSpan timeout, CancellationToken cancellationToken);
    }
}
