using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// Copies one stream into another through a few buffers in memory, reading and writing at once,
    /// so the controller relays host-to-host traffic without ever holding it on disk.
    /// </summary>
    public static class StreamRelay
    {
        public const int BufferSize = 1 << 20;
        private const int BuffersInFlight = 8;
        private const int MinimumChunk = BufferSize / 4;

        /// <returns>The number of bytes copied.</returns>
        public static long Copy(Stream from, Stream to, Action<long>? progress, CancellationToken ct)
        {
            using var queue = new BlockingCollection<(byte[] buffer, int count)>(BuffersInFlight);
            var pool = new ConcurrentBag<byte[]>();
            using var readerStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var reader = Task.Run(() =>
            {
                try
                {
                    while (true)
                    {
                        var buffer = pool.TryTake(out var b) ? b : new byte[BufferSize];
                        var n = ReadFull(from, buffer, readerStop.Token);
                        if (n == 0) break;
                        queue.Add((buffer, n), readerStop.Token);
                    }
                }
                finally { queue.CompleteAdding(); }
            });

            long total = 0;
            try
            {
                foreach (var (buffer, count) in queue.GetConsumingEnumerable(ct))
                {
                    to.Write(buffer, 0, count);
                    total += count;
                    pool.Add(buffer);
                    progress?.Invoke(total);
                }
                reader.GetAwaiter().GetResult();
                to.Flush();
            }
            catch
            {
                readerStop.Cancel();
                try { reader.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { /* the first error is the one to report */ }
                throw;
            }
            return total;
        }

        // Fills the buffer as far as the stream allows: fewer, larger writes cost less on an SSH channel.
        private static int ReadFull(Stream s, byte[] buffer, CancellationToken ct)
        {
            var filled = 0;
            while (filled < buffer.Length)
            {
                ct.ThrowIfCancellationRequested();
                var n = s.Read(buffer, filled, buffer.Length - filled);
                if (n == 0) break;
                filled += n;
                if (filled >= MinimumChunk) break;
            }
            return filled;
        }
    }
}
