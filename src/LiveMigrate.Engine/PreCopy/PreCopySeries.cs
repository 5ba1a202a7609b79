using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;

namespace LiveMigrate.PreCopy
{
    /// <summary>
    /// Where one pre-copy keeps its images, at the same paths on both hosts: {ImageRoot}/{container}-{id}
    /// holding round-1 .. round-N and final, each on top of the one before (CRIU's "parent" link).
    /// </summary>
    public sealed class PreCopySeries
    {
        private const string Final = "final";
        private readonly string _lockRoot;

        public PreCopySeries(string imageRoot, string lockRoot, string container, string id)
        {
            _lockRoot = lockRoot;
            Container = container;
            Id = id;
            Root = HostPath.Combine(imageRoot, container + "-" + id);
        }

        public string Container { get; }
        public string Id { get; }
        public string Root { get; }
        public string FinalDir => HostPath.Combine(Root, Final);

        public string RoundDir(int round) => HostPath.Combine(Root, "round-" + round.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>Where a migration's complete images are: the final dump of a pre-copy, the image folder itself otherwise.</summary>
        public static string CheckpointDir(string imageDir, MigrationMode mode) =>
            mode == MigrationMode.PreCopy ? HostPath.Combine(imageDir, Final) : imageDir;

        // Every pre-dump clears the container's soft-dirty bits, so a final dump on top of an older series
        // would miss the pages written between that series and a later one: only the latest series is
        // sound. The source records which one that is, as a folder named after its id.
        public string LatestRecord => HostPath.Combine(_lockRoot, Container + ".predump");

        public void MarkLatest(IHostFiles source, CancellationToken ct)
        {
            source.RemoveTree(LatestRecord, ct);
            source.CreateDirectory(HostPath.Combine(LatestRecord, Id), ct);
        }

        public bool IsLatest(IHostFiles source, CancellationToken ct) => source.Exists(HostPath.Combine(LatestRecord, Id), ct);

        /// <summary>How many rounds lie on <paramref name="host"/>, counted from round-1 up to the first missing one.</summary>
        public int CountRounds(IHostFiles host, CancellationToken ct)
        {
            var n = 0;
            while (host.Exists(HostPath.Combine(RoundDir(n + 1), "inventory.img"), ct)) n++;
            return n;
        }
    }
}
