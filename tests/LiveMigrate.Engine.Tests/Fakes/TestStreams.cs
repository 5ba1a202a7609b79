using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>A read-only stream over bytes that hands out at most <c>maxChunk</c> bytes per Read, like a slow pipe.</summary>
    public sealed class ChunkedReadStream : ReadOnlyStream
    {
        private readonly byte[] _data;
        private readonly int _maxChunk;
        private int _position;

        public ChunkedReadStream(byte[] data, int maxChunk)
        {
            _data = data;
            _maxChunk = maxChunk;
        }

        public int Reads { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            var n = Math.Min(Math.Min(count, _maxChunk), _data.Length - _position);
            Array.Copy(_data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

    }

    /// <summary>Never ends; optionally fails once <c>failAfter</c> bytes were read.</summary>
    public sealed class EndlessReadStream : ReadOnlyStream
    {
        private readonly long? _failAfter;
        private long _read;

        public EndlessReadStream(long? failAfter = null) { _failAfter = failAfter; }

        public long BytesRead => Interlocked.Read(ref _read);

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_failAfter is long limit && _read >= limit) throw new IOException("source pipe broke");
            var n = Math.Min(count, 64 * 1024);
            buffer.AsSpan(offset, n).Fill(0x5a);
            Interlocked.Add(ref _read, n);
            return n;
        }

    }

    /// <summary>A MemoryStream that records each write's size and flushes; can fail after some bytes.</summary>
    public sealed class RecordingWriteStream : MemoryStream
    {
        private readonly long? _failAfter;

        public RecordingWriteStream(long? failAfter = null) { _failAfter = failAfter; }

        public List<int> Writes { get; } = new();
        public int Flushes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_failAfter is long limit && Length + count > limit) throw new IOException("destination channel closed");
            Writes.Add(count);
            base.Write(buffer, offset, count);
        }

        public override void Flush()
        {
            Flushes++;
            base.Flush();
        }
    }

    /// <summary>A forward-only source: everything but Read is refused, as on a pipe.</summary>
    public abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
