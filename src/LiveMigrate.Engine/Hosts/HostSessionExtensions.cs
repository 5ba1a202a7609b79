using System;
using System.Threading;
using LiveMigrate.Commands;

namespace LiveMigrate.Hosts
{
    public static class HostSessionExtensions
    {
        /// <summary>Runs a command and throws <see cref="CommandFailedException"/> unless it exits 0.</summary>
        public static CommandResult RunChecked(this IHostSession host, CommandLine command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var result = host.Run(command, timeout, cancellationToken);
            if (!result.Succeeded) throw CommandFailedException.FromResult(host.Name, command, result);
            return result;
        }
    }
}
