using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace LiveMigrate.Tests.Support
{
    /// <summary>SSH public key blobs: synthetic ones in wire format, and real ones from ssh-keygen.</summary>
    public static class SshKeys
    {
        public const string Ed25519 = "ssh-ed25519";
        public const string Ecdsa256 = "ecdsa-sha2-nistp256";
        public const string Rsa = "ssh-rsa";

        /// <summary>A well-formed blob: string type, then random key material (as further SSH strings).</summary>
        public static byte[] Blob(string type)
        {
            using var ms = new MemoryStream();
            WriteString(ms, Encoding.ASCII.GetBytes(type));
            WriteString(ms, RandomNumberGenerator.GetBytes(32));
            return ms.ToArray();
        }

        public static string Base64(byte[] blob) => Convert.ToBase64String(blob);

        /// <summary>A known_hosts line body: "type base64".</summary>
        public static string Field(byte[] blob) => $"{KnownTypeOf(blob)} {Base64(blob)}";

        /// <summary>Generates a key with ssh-keygen; returns the path of the .pub file and its blob.</summary>
        public static (string pubPath, byte[] blob) Generate(TempDirectory dir, string type = "ed25519")
        {
            var path = dir.File("key-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            ExternalTool.Run("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "test key", "-f", path);
            var pub = File.ReadAllText(path + ".pub").Split(' ');
            return (path + ".pub", Convert.FromBase64String(pub[1]));
        }

        private static string KnownTypeOf(byte[] blob)
        {
            var len = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
            return Encoding.ASCII.GetString(blob, 4, len);
        }

        private static void WriteString(Stream s, byte[] data)
        {
            s.WriteByte((byte)(data.Length >> 24));
            s.WriteByte((byte)(data.Length >> 16));
            s.WriteByte((byte)(data.Length >> 8));
            s.WriteByte((byte)data.Length);
            s.Write(data, 0, data.Length);
        }
    }
}
