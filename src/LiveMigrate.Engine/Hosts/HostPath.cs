using System;
using System.Linq;

namespace LiveMigrate.Hosts
{
    /// <summary>Guards for paths on a host that the engine creates, copies or removes.</summary>
    public static class HostPath
    {
        /// <summary>
        /// Absolute, no empty, "." or ".." segments, not the root itself, and no segment that begins with '-': made relative
        /// (tar's members) or cut into segments, it would read as an option.
        /// </summary>
        public static bool IsSafeAbsolute(string? path)
        {
            if (string.IsNullOrEmpty(path) || path![0] != '/' || path.Length < 2 || path.IndexOf('\0') >= 0) return false;
            var segments = path.TrimEnd('/').Split('/').Skip(1).ToArray();
            return segments.Length > 0 && segments.All(s => s.Length > 0 && s != "." && s != ".." && s[0] != '-');
        }

        /// <summary>Deep enough to be a container's own directory, never a system one such as /var or /home.</summary>
        public static bool IsRemovable(string? path) => IsSafeAbsolute(path) && path!.TrimEnd('/').Split('/').Length >= 4;

        public static string Combine(string directory, string name) => directory.TrimEnd('/') + "/" + name;

        /// <summary>Where <paramref name="path"/> points, relative to <paramref name="directory"/> unless absolute, with "." and ".." resolved.</summary>
        public static string Resolve(string directory, string path)
        {
            var segments = new System.Collections.Generic.List<string>();
            foreach (var s in (path.StartsWith("/") ? path : directory + "/" + path).Split('/'))
            {
                if (s.Length == 0 || s == ".") continue;
                if (s == "..") { if (segments.Count > 0) segments.RemoveAt(segments.Count - 1); }
                else segments.Add(s);
            }
            return "/" + string.Join("/", segments);
        }
    }
}
