using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    public sealed class StreamRelayProgressTests
    {
        [Fact]
        public void Progress_rises_strictly_and_ends_at_the_total()
        {
            var data = new byte[5 * 1024 * 1024 + 3];
            var seen = new List<long>();

            var n = StreamRelay.Copy(new ChunkedReadStream(data, 70_000), new MemoryStream(), seen.Add, default);

            Assert.True(seen.Count >= 5, $"{seen.Count} progress reports");
            Assert.Equal(n, seen.Last());
            Assert.All(seen.Zip(seen.Skip(1)), p => Assert.True(p.Second > p.First, $"{p.First} then {p.Second}"));
        }

        [Fact]
        public void Progress_counts_the_bytes_already_written()
        {
            var to = new RecordingWriteStream();
            var mismatches = 0;

            StreamRelay.Copy(new MemoryStream(new byte[3 * 1024 * 1024]), to, bytes => { if (bytes != to.Length) mismatches++; }, default);

            Assert.Equal(0, mismatches);
        }

        [Fact]
        public void Progress_is_reported_on_the_calling_thread()
        {
            var caller = Environment.CurrentManagedThreadId;
            var threads = new HashSet<int>();

            StreamRelay.Copy(new MemoryStream(new byte[2 * 1024 * 1024]), new MemoryStream(), _ => threads.Add(Environment.CurrentManagedThreadId), default);

            Assert.Equal(new[] { caller }, threads);
        }
    }
}
