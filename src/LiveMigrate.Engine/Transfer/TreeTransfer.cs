using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// Moves directory trees to the same paths on another host as one tar stream relayed through the
    /// controller's open SSH connections: no login per step, nothing stored on the controller.
    /// </summary>
    public static class TreeTransfer
    {
        public static long Copy(IHostSession source, IHostSession destination, IReadOnlyList<string> absolutePaths,
            Action<long>? progress, TimeSpan timeout, CancellationToken ct)
        {
            var relative = absolutePaths.Select(RelativeToRoot).ToList();
            var pack = new CommandLine(new[] { "tar", "-C", "/", "--numeric-owner", "-cf", "-" }.Concat(relative)) { HostTimeout = timeout };
            var unpack = new CommandLine("tar", "-C", "/", "--numeric-owner", "-xpf", "-") { HostTimeout = timeout };

            using var writer = destination.Start(unpack);
            using var reader = source.Start(pack);
            long bytes;
            try
            {
                bytes = StreamRelay.Copy(reader.StandardOutput, writer.StandardInput, progress, ct);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw new CommandFailedException(destination.Name, unpack,
                    $"Streaming {string.Join(", ", absolutePaths)} from {source.Name} to {destination.Name} broke: {ex.Message}", inner: ex);
            }
            writer.StandardInput.Dispose();
            var packed = reader.WaitForExit(TimeSpan.FromSeconds(30), ct);
            var unpacked = writer.WaitForExit(TimeSpan.FromSeconds(30), ct);
            if (!packed.Succeeded) throw CommandFailedException.FromResult(source.Name, pack, packed);
            if (!unpacked.Succeeded) throw CommandFailedException.FromResult(destination.Name, unpack, unpacked);
            return bytes;
        }

        internal static string RelativeToRoot(string path)
        {
            if (!HostPath.IsSafeAbsolute(path))
                throw new ArgumentException($"'{path}' is not an absolute, normalized path; only such paths are transferred.", nameof(path));
            return path.TrimStart('/');
        }
    }
}
