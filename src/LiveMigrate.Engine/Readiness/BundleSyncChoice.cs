using System;
using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using static LiveMigrate.Readiness.Checks.ReadinessChecks;

namespace LiveMigrate.Readiness
{
    /// <summary>
    /// -BundleSync Auto: None when the destination sees the source's very bundle (shared storage), else Delta, which
    /// copies it while the container runs, or Full where Delta cannot work. Readiness judges the move as it will run,
    /// and its "Bundle sync" row carries the choice to the cmdlet that settles the option.
    /// </summary>
    public static class BundleSyncChoice
    {
        public const string Check = "Bundle sync";

        /// <summary>What readiness chose (or was told), or null when it could not tell: the engine then uses Delta.</summary>
        public static BundleSync? Chosen(IReadOnlyList<ReadinessResult> results)
        {
            var row = results.FirstOrDefault(r => r.Check == Check && r.Status != ReadinessStatus.Skipped);
            var colon = row?.Detail.IndexOf(':') ?? -1;
            return colon > 0 && Enum.TryParse<BundleSync>(row!.Detail.Substring(0, colon), out var sync) && sync != BundleSync.Auto ? sync : (BundleSync?)null;
        }

        /// <summary>The destination's bundle path holds the source's own bundle: same config.json inode, size and times.</summary>
        internal static bool Shared(ReadinessEvidence e) =>
            e.ContainerFacts.Succeeded && e.DestinationPaths.Succeeded && e.DestinationPaths.Value.BundleExists &&
            e.ContainerFacts.Value.BundleId is { } id && id == e.DestinationPaths.Value.BundleId;

        /// <summary>Why Delta cannot work between these hosts, or null.</summary>
        internal static string? DeltaImpossible(ReadinessEvidence e)
        {
            var without = new[] { e.Source, e.Destination }.Where(h => h.KnownFacts is { TarIncremental: false }).ToList();
            return without.Count == 0 ? null
                : $"Delta needs GNU tar's --listed-incremental, which {string.Join(" and ", without.Select(h => $"{h.Name} ({h.KnownFacts!.Tar ?? "no tar"})"))} lack{(without.Count == 1 ? "s" : "")}";
        }

        /// <summary>How the bundle will travel, as the request asks or Auto picks.</summary>
        internal static BundleSync Effective(ReadinessEvidence e) =>
            e.Request.BundleSync != BundleSync.Auto ? e.Request.BundleSync
            : Shared(e) ? BundleSync.None
            : DeltaImpossible(e) == null ? BundleSync.Delta : BundleSync.Full;

        /// <summary>Bytes of the bundle that travel while the container is frozen.</summary>
        internal static long FrozenBytes(BundleSync sync, Facts.ContainerFacts c) =>
            sync == BundleSync.None ? 0 : sync == BundleSync.Delta ? c.BundleRecentBytes : c.BundleBytes;

        internal static ReadinessResult Row(ReadinessEvidence e)
        {
            var pair = e.Pair;
            if (!e.ContainerFacts.Succeeded || !e.DestinationPaths.Succeeded)
                return new ReadinessResult(Check, pair, ReadinessStatus.Skipped, "Not chosen: the container's bundle was not inspected (see the rows above).");
            var c = e.ContainerFacts.Value;
            var sync = Effective(e);
            var asked = e.Request.BundleSync == BundleSync.Auto ? "-BundleSync Auto chose it" : "as asked";
            var impossible = DeltaImpossible(e);
            return sync switch
            {
                BundleSync.None => new ReadinessResult(Check, pair, ReadinessStatus.Pass,
                    $"None: {asked}; the bundle stays where it is" + (Shared(e) ? ", on storage both hosts share (the destination sees the same config.json)." : ".")),
                BundleSync.Delta when impossible != null => new ReadinessResult(Check, pair, ReadinessStatus.Fail, $"Delta: {impossible}.",
                    "Install GNU tar on both hosts, or use -BundleSync Full (the whole bundle is then copied while the container is frozen)."),
                BundleSync.Delta => new ReadinessResult(Check, pair, ReadinessStatus.Pass,
                    $"Delta: {asked}; the bundle ({Size(c.BundleBytes)}) is copied while the container runs, and only what changes until the freeze is sent while frozen " +
                    $"(its files changed in the last minute hold {Size(c.BundleRecentBytes)})."),
                _ => new ReadinessResult(Check, pair, ReadinessStatus.Pass,
                    $"Full: {(impossible != null && e.Request.BundleSync == BundleSync.Auto ? $"-BundleSync Auto chose it, as {impossible}" : asked)}; the whole bundle ({Size(c.BundleBytes)}) is copied while the container is frozen."),
            };
        }
    }
}
