using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    public sealed class TreeTransferTests
    {
        private static readonly string[] Paths = { "/var/lib/livemigrate/images/web-1", "/var/lib/livemigrate/containers/web" };

        private static CommandResult Exit(int code, string stderr = "") => new CommandResult(code, "", stderr, TimeSpan.Zero);

        [Fact]
        public void Streams_the_trees_with_tar_and_closes_the_destination_input()
        {
            var data = new byte[3 * StreamRelay.BufferSize + 17];
            new Random(7).NextBytes(data);
            var received = new MemoryStream();
            CommandLine? packed = null, unpacked = null;
            var source = new StreamingFakeSession("src", c => { packed = c; return new FakeProcess(new MemoryStream(data), Stream.Null, Exit(0)); });
            var destination = new StreamingFakeSession("dst", c => { unpacked = c; return new FakeProcess(Stream.Null, received, Exit(0)); });

            var n = TreeTransfer.Copy(source, destination, Paths, null, TimeSpan.FromMinutes(1), CancellationToken.None);

            Assert.Equal(data.Length, n);
            Assert.Equal(data, received.ToArray());
            Assert.Equal("tar -C / --numeric-owner --sparse -cf - -- var/lib/livemigrate/images/web-1 var/lib/livemigrate/containers/web", packed!.ToString());
            // The destination unpacks those paths only, and only under them.
            Assert.Equal(new[] { "tree-unpack.sh", "full", "none", Paths[0], Paths[1], "--", Paths[0], Paths[1] }, unpacked!.Arguments.Skip(3));
        }

        [Theory]
        [InlineData(StreamCompression.Zstd, "zstd -1 -T0 -q", "zstd")]
        [InlineData(StreamCompression.Lz4, "lz4 -1 -q", "lz4")]
        public void Compressed_tar_runs_the_compressor_as_its_child_and_the_destination_names_the_codec(StreamCompression codec, string program, string word)
        {
            CommandLine? packed = null, unpacked = null;
            var source = new StreamingFakeSession("src", c => { packed = c; return new FakeProcess(new MemoryStream(new byte[] { 1 }), Stream.Null, Exit(0, "Total bytes written: 67368960 (65MiB, 1.2GiB/s)\n")); });
            var destination = new StreamingFakeSession("dst", c => { unpacked = c; return new FakeProcess(Stream.Null, new MemoryStream(), Exit(0)); });

            var n = TreeTransfer.Copy(source, destination, Paths, null, TimeSpan.FromMinutes(1), CancellationToken.None, compression: codec);

            // Counted as over a direct link: the tar stream before compression, not the one compressed byte relayed.
            Assert.Equal(67368960, n);
            // One argument: tar splits the program line itself and runs it without a shell.
            Assert.Contains("--use-compress-program=" + program, packed!.Arguments);
            Assert.Equal(new[] { "tree-unpack.sh", "full", word, Paths[0], Paths[1], "--", Paths[0], Paths[1] }, unpacked!.Arguments.Skip(3));
        }

        [Theory]
        [InlineData("/var/lib/livemigrate/images/web-1.bundle.snar", 1, true)]   // the copy ahead of a running container: files changed
        [InlineData("/var/lib/livemigrate/images/web-1.bundle.snar", 2, false)]
        [InlineData(null, 1, false)]                                            // a full copy of frozen or saved files: nothing may change
        public void Files_that_changed_under_an_incremental_copy_are_no_failure(string? snapshot, int tarExit, bool succeeds)
        {
            CommandLine? packed = null;
            var source = new StreamingFakeSession("src", c => { packed = c; return new FakeProcess(new MemoryStream(new byte[10]), Stream.Null, Exit(tarExit, "tar: var/log: file changed as we read it")); });
            var destination = new StreamingFakeSession("dst", _ => new FakeProcess(Stream.Null, new MemoryStream(), Exit(0)));

            var copy = () => TreeTransfer.Copy(source, destination, Paths, null, TimeSpan.FromMinutes(1), CancellationToken.None, snapshot);

            if (succeeds) Assert.Equal(10, copy());
            else Assert.Throws<CommandFailedException>(() => copy());
            Assert.Equal(snapshot != null, packed!.Arguments.Contains("--warning=no-file-changed"));
        }

        [Fact]
        public void Ctrl_C_ends_a_transfer_whose_sender_went_quiet()
        {
            var source = new StreamingFakeSession("src", _ => new FakeProcess(new StalledStream(), Stream.Null, Exit(0)));
            var destination = new StreamingFakeSession("dst", _ => new FakeProcess(Stream.Null, new MemoryStream(), Exit(0)));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var clock = Stopwatch.StartNew();

            Assert.ThrowsAny<OperationCanceledException>(() =>
                TreeTransfer.Copy(source, destination, Paths, null, TimeSpan.FromMinutes(1), cts.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        }

        [Fact]
        public void A_broken_stream_says_what_the_destination_said()
        {
            var source = new StreamingFakeSession("src", _ => new FakeProcess(new MemoryStream(new byte[1 << 20]), Stream.Null, Exit(0)));
            var destination = new StreamingFakeSession("dst", _ => new FakeProcess(Stream.Null, new ThrowingWriteStream(),
                Exit(2, "tar: var/lib/livemigrate/images/web-1/pages-1.img: Cannot write: No space left on device")));

            var ex = Assert.Throws<CommandFailedException>(() =>
                TreeTransfer.Copy(source, destination, Paths, null, TimeSpan.FromMinutes(1), CancellationToken.None));

            Assert.Contains("from src to dst broke", ex.Message);
            Assert.Contains("dst says: tar: var/lib/livemigrate/images/web-1/pages-1.img: Cannot write: No space left on device", ex.Message);
        }

        [Fact]
        public void A_broken_stream_quotes_a_long_complaint_by_its_start_and_end()
        {
            var complaint = string.Concat(Enumerable.Repeat("tar: var/lib/x: Cannot write: No space left on device\n", 1000)) + "tar: Exiting with failure status";
            var source = new StreamingFakeSession("src", _ => new FakeProcess(new MemoryStream(new byte[1 << 20]), Stream.Null, Exit(0)));
            var destination = new StreamingFakeSession("dst", _ => new FakeProcess(Stream.Null, new ThrowingWriteStream(), Exit(2, complaint)));

            var ex = Assert.Throws<CommandFailedException>(() =>
                TreeTransfer.Copy(source, destination, Paths, null, TimeSpan.FromMinutes(1), CancellationToken.None));

            Assert.Contains("dst says: tar: var/lib/x: Cannot write: No space left on device", ex.Message);
            Assert.EndsWith("tar: Exiting with failure status", ex.Message);
            Assert.True(ex.Message.Length < 1024, $"{ex.Message.Length} characters");
        }

        private sealed class ThrowingWriteStream : MemoryStream
        {
            public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Channel was closed.");
        }
    }
}
