using System;
using LiveMigrate.Runc;

namespace LiveMigrate.PreCopy
{
    /// <summary>Recognises a pre-dump refused for want of soft-dirty memory tracking, and says so plainly.</summary>
    public static class DirtyTracking
    {
        public const string KernelOption = "CONFIG_MEM_SOFT_DIRTY";

        // runc 1.1 checks CRIU's MemTrack feature before a pre-dump and says only the first; CRIU itself,
        // asked directly, says the second.
        private static readonly string[] Signs = { "CRIU is missing features", "Tracking memory is not available", "MemTrack" };

        public static bool IsMissing(Exception ex)
        {
            foreach (var sign in Signs)
            {
                if (ex.Message.IndexOf(sign, StringComparison.Ordinal) >= 0) return true;
                if (ex is RuntimeCommandException r && r.CriuLog != null)
                    foreach (var line in r.CriuLog) if (line.IndexOf(sign, StringComparison.Ordinal) >= 0) return true;
            }
            return false;
        }

        public static string Explain(string host, Exception ex) =>
            $"{host} cannot pre-dump: it has no soft-dirty memory tracking (its kernel was built without {KernelOption}), which pre-copy needs " +
            $"to find the pages written between rounds. Use -Mode Stop or PostCopy, or a kernel with {KernelOption}=y. runc said: {ex.Message.Trim()}";
    }
}
