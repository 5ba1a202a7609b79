using System;
using System.Diagnostics;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Transfer;

namespace LiveMigrate.Readiness
{
    /// <summary>Zeros streamed from the source through this controller to the destination: nothing to make ready.</summary>
    internal sealed class RelayedBandwidthSample : IBandwidthSample
    {
        private readonly IHostSession _source, _destination;
        private readonly long _bytes;
        private readonly TimeSpan _timeout;
        private readonly string _route;

        public RelayedBandwidthSample(IHostSession source, IHostSession destination, long bytes, TimeSpan timeout, string route)
        {
            _source = source;
            _destination = destination;
            _bytes = bytes;
            _timeout = timeout;
            _route = route;
        }

        public Bandwidth Measure(CancellationToken ct)
        {
            var bytes = _bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var writer = _destination.Start(new CommandLine("sh", "-c", "cat >/dev/null") { HostTimeout = _timeout });
            using var reader = _source.Start(new CommandLine("head", "-c", bytes, "/dev/zero") { HostTimeout = _timeout });
            var clock = Stopwatch.StartNew();
            long moved;
            using (ct.Register(reader.Dispose))
                moved = StreamRelay.Copy(reader.StandardOutput, writer.StandardInput, null, ct);
            writer.StandardInput.Dispose();
            writer.WaitForExit(_timeout, ct);
            clock.Stop();
            if (moved == 0) throw new InvalidOperationException($"Nothing arrived while measuring the bandwidth from {_source.Name} to {_destination.Name}.");
            return new Bandwidth(moved / Math.Max(clock.Elapsed.TotalSeconds, 1e-6), _route);
        }

        public void Dispose() { }
    }

    /// <summary>
    /// A throwaway link of the move's own kind and a file of random bytes (nothing a codec or tar's holes would shrink) in a
    /// folder of its own under the image root, streamed to the same folder on the destination; timed from tar's first
    /// progress report, so that the stream's start (a session through the link, tar starting on both ends) is not counted.
    /// </summary>
    internal sealed class DirectBandwidthSample : IBandwidthSample
    {
        private readonly IHostSession _source, _destination;
        private readonly string _dir;
        private readonly TimeSpan _timeout;
        private DirectLink? _link;
        private int _disposed;

        private DirectBandwidthSample(IHostSession source, IHostSession destination, string dir, TimeSpan timeout)
        {
            _source = source;
            _destination = destination;
            _dir = dir;
            _timeout = timeout;
        }

        public static DirectBandwidthSample Prepare(IHostSession source, IDirectLinkTarget destination, string imageRoot, long bytes, TimeSpan timeout, CancellationToken ct)
        {
            var id = "livemigrate-bandwidth-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var sample = new DirectBandwidthSample(source, destination, HostPath.Combine(imageRoot, id), timeout);
            try
            {
                source.RunChecked(new CommandLine("sh", "-c", "mkdir -p -m 0700 -- \"$1\" && head -c \"$2\" /dev/urandom > \"$1/sample\"", "sh", sample._dir,
                    bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)) { HostTimeout = timeout }, timeout, ct);
                sample._link = DirectLink.Open(source, destination, new LinkGrant(id, new[] { sample._dir }, null, TimeSpan.FromMinutes(5)), timeout, ct);
                return sample;
            }
            catch
            {
                sample.Dispose();
                throw;
            }
        }

        public Bandwidth Measure(CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            double firstAt = -1;
            long firstBytes = 0;
            var sent = _link!.Copy(new[] { _dir }, bytes => { if (firstAt < 0) { firstAt = clock.Elapsed.TotalSeconds; firstBytes = bytes; } }, ct);
            var end = clock.Elapsed.TotalSeconds;
            var rate = firstAt >= 0 && sent > firstBytes && end > firstAt ? (sent - firstBytes) / (end - firstAt) : sent / Math.Max(end, 1e-6);
            return new Bandwidth(rate, Bandwidth.OverDirectLink);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            _link?.Dispose();
            foreach (var host in new[] { _source, _destination })
            {
                try { host.Run(new CommandLine("rm", "-rf", "--", _dir) { HostTimeout = _timeout }, _timeout, CancellationToken.None); }
                catch (Exception) { /* best effort: a host unreachable now keeps its livemigrate-bandwidth-* folder, which blocks nothing */ }
            }
        }
    }
}
