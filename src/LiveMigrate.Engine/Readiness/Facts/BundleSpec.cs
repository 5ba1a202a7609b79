using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using LiveMigrate.Hosts;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>What a container's config.json needs of the host it is restored on.</summary>
    public sealed class BundleSpec
    {
        /// <summary>The root file system's absolute path.</summary>
        public string RootPath { get; private set; } = "";
        /// <summary>True when the root file system is inside the bundle, so the migration carries it.</summary>
        public bool RootInBundle { get; private set; }
        public List<string> BindSources { get; } = new List<string>();
        /// <summary>Namespaces to join rather than create: (type, path).</summary>
        public List<(string Type, string Path)> NamespacePaths { get; } = new List<(string, string)>();
        public List<string> Devices { get; } = new List<string>();
        /// <summary>A read-only root file system without a writable mount at /tmp, where CRIU 4.2 makes its restore's work folder.</summary>
        public bool ReadOnlyRootWithoutTmp { get; private set; }

        internal static BundleSpec Parse(string configJson, string bundle)
        {
            var spec = new BundleSpec();
            using var doc = JsonDocument.Parse(configJson);
            var root = doc.RootElement;
            var rootPath = root.TryGetProperty("root", out var r) && r.TryGetProperty("path", out var p) ? p.GetString() ?? "rootfs" : "rootfs";
            spec.RootPath = HostPath.Resolve(bundle, rootPath);
            spec.RootInBundle = spec.RootPath == bundle || spec.RootPath.StartsWith(bundle.TrimEnd('/') + "/");
            var readOnly = root.TryGetProperty("root", out var ro) && ro.TryGetProperty("readonly", out var flag) && flag.ValueKind == JsonValueKind.True;
            var writableTmp = false;
            if (root.TryGetProperty("mounts", out var mounts) && mounts.ValueKind == JsonValueKind.Array)
            {
                writableTmp = mounts.EnumerateArray().Any(m => Text(m, "destination")?.TrimEnd('/') == "/tmp" &&
                    !(m.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Array && o.EnumerateArray().Any(x => x.GetString() == "ro")));
                foreach (var m in mounts.EnumerateArray())
                {
                    var source = Text(m, "source");
                    if (source == null || !source.StartsWith("/") || !IsBind(m)) continue;
                    spec.BindSources.Add(source);
                }
            }
            spec.ReadOnlyRootWithoutTmp = readOnly && !writableTmp;
            if (root.TryGetProperty("linux", out var linux))
            {
                if (linux.TryGetProperty("namespaces", out var nss) && nss.ValueKind == JsonValueKind.Array)
                {
                    foreach (var ns in nss.EnumerateArray())
                    {
                        if (Text(ns, "path") is string path && path.Length > 0) spec.NamespacePaths.Add((Text(ns, "type") ?? "?", path));
                    }
                }
                if (linux.TryGetProperty("devices", out var devices) && devices.ValueKind == JsonValueKind.Array)
                {
                    spec.Devices.AddRange(devices.EnumerateArray().Select(d => Text(d, "path")).Where(d => d != null)!);
                }
            }
            return spec;
        }

        private static bool IsBind(JsonElement mount) =>
            Text(mount, "type") == "bind" ||
            (mount.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Array &&
             o.EnumerateArray().Any(x => x.GetString() == "bind" || x.GetString() == "rbind"));

        private static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
