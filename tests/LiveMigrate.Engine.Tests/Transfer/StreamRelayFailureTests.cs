using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    public sealed class StreamRelayFailureTests
    {
        [Fact]
        public void Cancellation_mid_copy_stops_an_endless_source()
        {
            using var cts = new CancellationTokenSource();
            var from = new EndlessReadStream();
            var clock = Stopwatch.StartNew();

            Assert.ThrowsAny<OperationCanceledException>(() =>
                StreamRelay.Copy(from, new MemoryStream(), bytes => { if (bytes >= 2 * 1024 * 1024) cts.Cancel(); }, cts.Token));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
            var readAtCancel = from.BytesRead;
            Thread.Sleep(50);
            Assert.Equal(readAtCancel, from.BytesRead);
        }

        [Fact]
        public void An_already_cancelled_token_copies_nothing()
        {
            var to = new RecordingWriteStream();

            Assert.ThrowsAny<OperationCanceledException>(() => StreamRelay.Copy(new EndlessReadStream(), to, null, new CancellationToken(true)));

            Assert.Empty(to.Writes);
        }

        [Fact]
        public void A_writer_exception_propagates_and_the_reader_stops()
        {
            var from = new EndlessReadStream();

            var ex = Assert.Throws<IOException>(() => StreamRelay.Copy(from, new RecordingWriteStream(failAfter: 3 * 1024 * 1024), null, default));

            Assert.Equal("destination channel closed", ex.Message);
            var readAtFailure = from.BytesRead;
            Thread.Sleep(50);
            Assert.Equal(readAtFailure, from.BytesRead);
        }

        [Fact]
        public void A_reader_exception_propagates()
        {
            var ex = Assert.Throws<IOException>(() => StreamRelay.Copy(new EndlessReadStream(failAfter: 2 * 1024 * 1024), new MemoryStream(), null, default));

            Assert.Equal("source pipe broke", ex.Message);
        }

        [Fact]
        public void A_progress_callback_exception_propagates()
        {
            var ex = Assert.Throws<InvalidOperationException>(() =>
                StreamRelay.Copy(new EndlessReadStream(), new MemoryStream(), _ => throw new InvalidOperationException("observer failed"), default));

            Assert.Equal("observer failed", ex.Message);
        }
    }
}
