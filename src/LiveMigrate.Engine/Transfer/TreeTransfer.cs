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
    /// controller's open SSH connections: no login per step, nothing stored on the controller. The destination unpacks
    /// with tree-unpack.sh, only under those paths. Compressed, the controller relays the compressed bytes, and the count
    /// returned is still the tar stream's (tar's --totals), as over a direct link.
    /// </summary>
    public static class TreeTransfer
    {
        /// <summary>GNU tar's exit status when files changed while it read them.</summary>
        internal const int FilesChanged = 1;
        /// <summary>GNU tar's --totals line: the bytes of the archive before any compression.</summary>
        internal static readonly System.Text.RegularExpressions.Regex TarTotal =
            new System.Text.RegularExpressions.Regex(@"^Total bytes written: (\d+) ", System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Multiline);

        public static long Copy(IHostSession source, IHostSession destination, IReadOnlyList<string> absolutePaths,
            Action<long>? progress, TimeSpan timeout, CancellationToken ct, string? snapshot = null, StreamCompression compression = StreamCompression.None)
        {
            var relative = absolutePaths.Select(RelativeToRoot).ToList();
            // Incremental: the source's snapshot file says what was sent before; unpacking in incremental mode also
            // deletes what the source no longer has.
            // A running container's files change under the copy ahead (GNU tar: "file changed as we read it", exit 1);
            // the frozen pass sends them again, so that is no failure.
            var incremental = snapshot == null ? new string[0] : new[] { "--listed-incremental=" + snapshot, "--warning=no-file-changed" };
            var pack = new CommandLine(new[] { "tar", "-C", "/", "--numeric-owner", "--sparse" }.Concat(incremental).Concat(CompressArguments(compression))
                .Concat(new[] { "-cf", "-", "--" }).Concat(relative)) { HostTimeout = timeout };
            var unpackArgs = new[] { snapshot == null ? "full" : "incremental", StreamCodec.Word(compression) }.Concat(absolutePaths).Concat(new[] { "--" }).Concat(absolutePaths).ToArray();
            var unpack = HostScript.Command("tree-unpack.sh", unpackArgs);
            unpack.HostTimeout = timeout;
            // What messages name: the script's text is no use to anyone.
            var shownUnpack = new CommandLine(new[] { "tree-unpack.sh" }.Concat(unpackArgs));

            using var writer = destination.Start(unpack);
            using var reader = source.Start(pack);
            long bytes;
            try
            {
                // A stalled sender would hold the relay in Read forever: Ctrl+C closes the stream under it.
                using (ct.Register(reader.Dispose))
                    bytes = StreamRelay.Copy(reader.StandardOutput, writer.StandardInput, progress, ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException(ct);
            }
            catch (Exception ex)
            {
                throw new CommandFailedException(destination.Name, shownUnpack,
                    $"Streaming {string.Join(", ", absolutePaths)} from {source.Name} to {destination.Name} broke: {ex.Message}{WhySide(destination, writer)}{WhySide(source, reader)}", inner: ex);
            }
            writer.StandardInput.Dispose();
            var packed = reader.WaitForExit(TimeSpan.FromSeconds(30), ct);
            var unpacked = writer.WaitForExit(TimeSpan.FromSeconds(30), ct);
            if (!packed.Succeeded && !(snapshot != null && packed.ExitCode == FilesChanged)) throw CommandFailedException.FromResult(source.Name, pack, packed);
            if (!unpacked.Succeeded) throw CommandFailedException.FromResult(destination.Name, shownUnpack, unpacked);
            return compression != StreamCompression.None && TarTotal.Match(packed.StandardError) is { Success: true } total
                ? long.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : bytes;
        }

        /// <summary>GNU tar's own way to run the compressor (its exit status becomes tar's): no shell, no pipe to watch.</summary>
        internal static string[] CompressArguments(StreamCompression compression) =>
            StreamCodec.Compressor(compression) is { } program ? new[] { "--use-compress-program=" + program, "--totals" } : new string[0];

        /// <summary>What a side said on stderr when the stream broke (a full disk, a missing file), if anything.</summary>
        private static string WhySide(IHostSession host, IHostProcess process)
        {
            try
            {
                var result = process.WaitForExit(TimeSpan.FromSeconds(5), CancellationToken.None);
                var stderr = result.StandardError.Trim();
                return stderr.Length == 0 ? "" : $" {host.Name} says: {CommandFailedException.Excerpt(stderr)}";
            }
            catch (Exception) { return ""; }
        }

        internal static string RelativeToRoot(string path)
        {
            if (!HostPath.IsSafeAbsolute(path))
                throw new ArgumentException($"'{path}' is not an absolute, normalized path; only such paths are transferred.", nameof(path));
            return path.TrimStart('/');
        }
    }
}
