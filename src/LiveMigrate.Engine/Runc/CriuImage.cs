using System;
using System.Collections.Generic;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// The few protobuf rules CRIU's images need, without a protobuf library: two magic numbers, then
    /// messages each prefixed by its length as a 32-bit little-endian number.
    /// </summary>
    internal static class CriuImage
    {
        /// <summary>First magic of ordinary images (pagemap, core, ...).</summary>
        public const uint CommonMagic = 0x54564319;
        /// <summary>First magic of CRIU's own service images (stats, irmap cache).</summary>
        public const uint ServiceMagic = 0x55105940;

        /// <summary>Checks both magics; returns where the first message starts.</summary>
        public static int Open(byte[] image, uint first, uint second, string what)
        {
            if (image.Length < 8 || BitConverter.ToUInt32(image, 0) != first || BitConverter.ToUInt32(image, 4) != second)
                throw new FormatException($"Not a CRIU {what} image (wrong magic).");
            return 8;
        }

        /// <summary>The next length-prefixed message, from <paramref name="pos"/> on.</summary>
        public static Fields Message(byte[] b, ref int pos, string what)
        {
            if (pos + 4 > b.Length) throw new FormatException($"Truncated {what} image.");
            var size = (int)BitConverter.ToUInt32(b, pos);
            pos += 4;
            var end = pos + size;
            if (size < 0 || end > b.Length) throw new FormatException($"Truncated {what} entry.");
            var fields = Fields.Read(b, pos, end, what);
            pos = end;
            return fields;
        }

        /// <summary>A message's varint fields, and its length-delimited ones (nested messages) as byte ranges.</summary>
        public sealed class Fields
        {
            private readonly Dictionary<int, ulong> _numbers = new Dictionary<int, ulong>();
            private readonly Dictionary<int, (byte[] bytes, int start, int end)> _nested = new Dictionary<int, (byte[], int, int)>();
            private readonly string _what;

            private Fields(string what) { _what = what; }

            public ulong Number(int field) => _numbers.TryGetValue(field, out var v) ? v : 0;

            public Fields? Nested(int field) =>
                _nested.TryGetValue(field, out var n) ? Read(n.bytes, n.start, n.end, _what) : null;

            public static Fields Read(byte[] b, int pos, int end, string what)
            {
                var fields = new Fields(what);
                while (pos < end)
                {
                    var key = Varint(b, ref pos, end, what);
                    var wire = (int)(key & 7);
                    if (wire == 0) fields._numbers[(int)(key >> 3)] = Varint(b, ref pos, end, what);
                    else if (wire == 2)
                    {
                        var length = (int)Varint(b, ref pos, end, what);
                        if (length < 0 || pos + length > end) throw new FormatException($"Truncated field in a {what} entry.");
                        fields._nested[(int)(key >> 3)] = (b, pos, pos + length);
                        pos += length;
                    }
                    else if (wire == 5) pos += 4;
                    else if (wire == 1) pos += 8;
                    else throw new FormatException($"Unexpected protobuf wire type {wire} in a {what} entry.");
                }
                return fields;
            }

            private static ulong Varint(byte[] b, ref int pos, int end, string what)
            {
                ulong value = 0;
                for (var shift = 0; shift < 64; shift += 7)
                {
                    if (pos >= end) throw new FormatException($"Truncated varint in a {what} entry.");
                    var c = b[pos++];
                    value |= (ulong)(c & 0x7f) << shift;
                    if (c < 0x80) return value;
                }
                throw new FormatException($"Overlong varint in a {what} entry.");
            }
        }
    }
}
