using System;
using System.IO;
using System.Linq;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    public sealed class StreamRelayCopyTests
    {
        private static byte[] RandomBytes(int n)
        {
            var data = new byte[n];
            new Random(42).NextBytes(data);
            return data;
        }

        [Fact]
        public void Copies_5_MiB_exactly()
        {
            var data = RandomBytes(5 * 1024 * 1024 + 17);
            var to = new RecordingWriteStream();

            var n = StreamRelay.Copy(new MemoryStream(data), to, null, default);

            Assert.Equal(data.Length, n);
            Assert.True(data.AsSpan().SequenceEqual(to.ToArray()), "the copy differs from the source");
            Assert.True(to.Flushes >= 1);
        }

        [Fact]
        public void Copies_exactly_from_a_reader_that_returns_small_chunks()
        {
            var data = RandomBytes(3 * 1024 * 1024 + 1001);
            var from = new ChunkedReadStream(data, maxChunk: 1000);
            var to = new RecordingWriteStream();

            var n = StreamRelay.Copy(from, to, null, default);

            Assert.Equal(data.Length, n);
            Assert.True(data.AsSpan().SequenceEqual(to.ToArray()), "the copy differs from the source");
            Assert.True(from.Reads > data.Length / 1000);
            // Each read is passed on as it comes: waiting to gather more would stall a slow sender.
            Assert.Equal(from.Reads - 1, to.Writes.Count);
            Assert.All(to.Writes, w => Assert.InRange(w, 1, 1000));
        }

        [Fact]
        public void An_empty_source_copies_nothing()
        {
            var to = new RecordingWriteStream();

            Assert.Equal(0, StreamRelay.Copy(new MemoryStream(), to, null, default));
            Assert.Empty(to.Writes);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(1024 * 1024 - 1)]
        [InlineData(1024 * 1024)]
        [InlineData(1024 * 1024 + 1)]
        public void Sizes_around_the_buffer_size_copy_exactly(int size)
        {
            var data = RandomBytes(size);
            var to = new RecordingWriteStream();

            Assert.Equal(size, StreamRelay.Copy(new MemoryStream(data), to, null, default));
            Assert.Equal(data, to.ToArray());
        }
    }
}
