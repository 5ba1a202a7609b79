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

        /// <summary>
        /// Writes <paramref name="text"/> to <paramref name="path"/> on the host through a new file renamed over it (never
        /// half-written); the text travels as an argument, base64, never as words of a shell.
        /// </summary>
        public static void WriteText(this IHostSession host, string path, string text, TimeSpan timeout, CancellationToken cancellationToken) =>
            host.RunChecked(new CommandLine("sh", "-c", "printf %s \"$2\" | base64 -d > \"$1.lm-new\" && mv -f -- \"$1.lm-new\" \"$1\"", "write-file", path,
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text))), timeout, cancellationToken);
    }
}
