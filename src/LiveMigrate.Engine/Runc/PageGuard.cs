using System;
using System.IO;
using System.Linq;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// The page guard (src/page-guard/page-guard.c, a static x86-64 program built beside the module): it runs a lazily
    /// restored container's lazy-pages daemon and holds duplicates of its userfaultfds, so that pages which never
    /// arrived block instead of reading as zeros when the daemon dies, and freezes the container then (Linux 5.6+).
    /// Its bridge mode (page-bridge.c) is the destination's end of post-copy's pages over a direct link's session.
    /// </summary>
    public static class PageGuard
    {
        public const string FileName = "page-guard";
        /// <summary>The one architecture it is built for (uname -m).</summary>
        public const string Architecture = "x86_64";
        /// <summary>Written by the guard in the images folder: "done", or "frozen ..." / "killed ..." / "gone ..." once it acted.</summary>
        public const string StateFile = "page-guard.state";
        public const string LogFile = "page-guard.log";

        /// <summary>Beside the module: out/LiveMigrate/page-guard, one folder above the engine's core/ or desktop/.</summary>
        public static string DefaultLocalPath
        {
            get
            {
                var engine = Path.GetDirectoryName(typeof(PageGuard).Assembly.Location) ?? ".";
                return Path.GetFullPath(Path.Combine(engine, "..", FileName));
            }
        }

        /// <summary>Named after its content, so that a host keeps one copy per build and a changed build is sent again.</summary>
        public static string RemoteName(byte[] program)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            return FileName + "-" + string.Concat(sha.ComputeHash(program).Take(8).Select(b => b.ToString("x2")));
        }

        public static byte[] ReadLocal(string path)
        {
            try { return File.ReadAllBytes(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"The page guard program {path} cannot be read ({ex.Message}). Post-copy and -LazyRestore run it on the destination; " +
                    "build.ps1 Build compiles it from src/page-guard (gcc with static glibc on the build machine).", ex);
            }
        }
    }
}
