using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>What Scripts/paths-check.sh found on the destination.</summary>
    public sealed class DestinationPaths
    {
        public bool BundleExists { get; private set; }
        /// <summary>Its config.json's inode, size and times, to compare with the source's; null when it is not there.</summary>
        public string? BundleId { get; private set; }
        public IReadOnlyList<string> Missing { get; private set; } = new string[0];
        public string BundleDirectory { get; private set; } = "";
        public long? BundleFreeBytes { get; private set; }
        public string? BundleDevice { get; private set; }

        internal static DestinationPaths Parse(string text)
        {
            var kv = new KeyValueLines(text);
            return new DestinationPaths
            {
                BundleExists = kv.Get("bundle_exists") == "1",
                BundleId = kv.Get("bundle_id"),
                Missing = kv.RawRecords.Where(r => r.StartsWith("missing ")).Select(r => KeyValueLines.After(r, 1)).ToList(),
                BundleDirectory = kv.Get("bundle_dir") ?? "",
                BundleFreeBytes = kv.Long("bundle_avail_kb") * 1024,
                BundleDevice = kv.Get("bundle_dev"),
            };
        }
    }
}
