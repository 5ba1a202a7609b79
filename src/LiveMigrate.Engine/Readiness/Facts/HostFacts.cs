using System.Linq;
using System.Collections.Generic;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>What Scripts/host-facts.sh found on one host.</summary>
    public sealed class HostFacts
    {
        public string Kernel { get; set; } = "";
        public string Architecture { get; set; } = "";
        /// <summary>"v2" where /sys/fs/cgroup is cgroup2, else "v1" (including the hybrid layout).</summary>
        public string CgroupVersion { get; set; } = "";
        public string? RuncVersion { get; set; }
        public string? CriuVersion { get; set; }
        public int? CriuCheckExitCode { get; set; }
        public IReadOnlyList<string> CriuCheckOutput { get; set; } = new string[0];
        /// <summary>Exit codes of <c>criu check --feature NAME</c> (0: supported).</summary>
        public IDictionary<string, int> Features { get; } = new Dictionary<string, int>();
        /// <summary>CRIU's network lock method from its config files for runc; null is CRIU's default, iptables.</summary>
        public string? NetworkLock { get; set; }
        public string? IptablesVersion { get; set; }
        public bool IptablesWorks { get; set; }
        public long? PipeMaxSize { get; set; }
        /// <summary>The CPUs this host's processes may run on (nproc).</summary>
        public int? Cpus { get; set; }
        /// <summary>The first line of <c>tar --version</c>.</summary>
        public string? Tar { get; set; }
        /// <summary>GNU tar, whose --listed-incremental -BundleSync Delta needs.</summary>
        public bool TarIncremental => Tar?.Contains("GNU tar") == true;
        /// <summary>The stream compressors installed here (zstd, lz4).</summary>
        public ISet<Transfer.StreamCompression> Compressors { get; } = new HashSet<Transfer.StreamCompression>();
        /// <summary>What a script can open a TCP connection with (bash or nc), or null: a post-copy rollback needs one on the source.</summary>
        public string? TcpClient { get; set; }
        /// <summary>The image folder, or its nearest existing parent, and the space free there.</summary>
        public string ImagesDirectory { get; set; } = "";
        public long? ImagesFreeBytes { get; set; }
        public string? ImagesDevice { get; set; }
        /// <summary>How fast the image folder's file system took a 32 MiB write: dumps write and restores read at about this pace.</summary>
        public double? WriteBytesPerSecond { get; set; }

        public bool Supports(string feature) => Features.TryGetValue(feature, out var rc) && rc == 0;

        internal static HostFacts Parse(string text)
        {
            var kv = new KeyValueLines(text);
            var facts = new HostFacts
            {
                Kernel = kv.Get("kernel") ?? "",
                Architecture = kv.Get("arch") ?? "",
                CgroupVersion = kv.Get("cgroupfs") == "cgroup2fs" ? "v2" : "v1",
                RuncVersion = kv.Get("runc"),
                CriuVersion = kv.Get("criu"),
                CriuCheckExitCode = (int?)kv.Long("criu_check_rc"),
                CriuCheckOutput = kv.All("criu_check_line"),
                NetworkLock = kv.Get("network_lock"),
                IptablesVersion = kv.Get("iptables"),
                IptablesWorks = kv.Long("iptables_rc") == 0,
                PipeMaxSize = kv.Long("pipe_max_size"),
                Cpus = kv.Long("cpus") is long cpus && cpus > 0 && cpus <= 1 << 20 ? (int)cpus : (int?)null,
                Tar = kv.Get("tar"),
                TcpClient = kv.Get("tcp_client"),
                ImagesDirectory = kv.Get("images_dir") ?? "",
                ImagesFreeBytes = kv.Long("images_avail_kb") * 1024,
                ImagesDevice = kv.Get("images_dev"),
            };
            foreach (var feature in new[] { CriuFeature.PostCopy, CriuFeature.DirtyTracking, CriuFeature.NftablesLock })
            {
                if (kv.Long("feature_" + feature) is long rc) facts.Features[feature] = (int)rc;
            }
            foreach (var codec in new[] { Transfer.StreamCompression.Zstd, Transfer.StreamCompression.Lz4 })
            {
                if (kv.All("compressor").Contains(Transfer.StreamCodec.Word(codec))) facts.Compressors.Add(codec);
            }
            if (kv.Long("write_us") is long us && kv.Long("write_kb") is long kb && us > 0) facts.WriteBytesPerSecond = kb * 1024.0 * 1e6 / us;
            return facts;
        }
    }

    /// <summary>CRIU's names for the features the modes need (criu check --feature NAME).</summary>
    public static class CriuFeature
    {
        public const string PostCopy = "uffd-noncoop";
        public const string DirtyTracking = "mem_dirty_track";
        public const string NftablesLock = "network_lock_nftables";
    }
}
