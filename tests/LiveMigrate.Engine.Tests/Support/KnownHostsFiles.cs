using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using LiveMigrate.Hosts;

namespace LiveMigrate.Tests.Support
{
    /// <summary>Writes known_hosts files for tests and loads them through the engine.</summary>
    public static class KnownHostsFiles
    {
        public static KnownHosts Load(TempDirectory dir, params string[] lines)
        {
            var path = dir.File("known_hosts");
            File.WriteAllText(path, string.Join("\n", lines) + "\n");
            return KnownHosts.Load(path);
        }

        /// <summary>OpenSSH's HashKnownHosts form: |1|base64(salt)|base64(HMAC-SHA1 keyed by salt over the name).</summary>
        public static string Hashed(string knownHostsName, byte[]? salt = null)
        {
            salt ??= RandomNumberGenerator.GetBytes(20);
            using var hmac = new HMACSHA1(salt);
            var hash = hmac.ComputeHash(Encoding.UTF8.GetBytes(knownHostsName));
            return "|1|" + Convert.ToBase64String(salt) + "|" + Convert.ToBase64String(hash);
        }
    }
}
