using System;
using System.IO;
using System.Threading;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// Copies one stream into another through one large buffer, so the controller relays host-to-host
    /// traffic without ever holding it on disk.
    /// </summary>
    public static class StreamRelay
    {
        // Measured on the lab's SSH.NET channels: a plain loop with 1 MiB reads relays ~2x faster than a
        // reader thread handing buffers to a writer, and 64 KiB reads are ~3x slower (per-call overhead).
        public const int BufferSize = 1 << 20;

        /// <returns>The number of bytes copied.</returns>
        public static long Copy(Stream from, Stream to, Action<long>? progress, CancellationToken ct)
        {
            var buffer = new byte[BufferSize];
            long total = 0;
            int n;
            while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                to.Write(buffer, 0, n);
                total += n;
                progress?.Invoke(total);
            }
            ct.ThrowIfCancellationRequested();
            to.Flush();
            return total;
        }
    }
}
