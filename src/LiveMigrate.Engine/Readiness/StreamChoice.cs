using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Transfer;
using static LiveMigrate.Readiness.Checks.ReadinessChecks;

namespace LiveMigrate.Readiness
{
    /// <summary>
    /// -StreamMemory (Stop): whether the final dump sends the memory into CRIU's page server on the destination as it
    /// reads it (over the direct link), or writes it on the source for the Transfer step to send. Auto (the switch not
    /// given) streams where the hosts have the CPUs for it, the route is direct and the memory goes uncompressed.
    /// Readiness's "Memory" row carries the choice to whoever settles the option.
    /// </summary>
    public static class StreamChoice
    {
        public const string Check = "Memory";

        /// <summary>
        /// From here a host runs its end of the stream beside the dump (the source: CRIU and ssh's encryption; the
        /// destination: sshd, the page guard's bridge and CRIU's page server) without them taking turns on a core.
        /// Measured in the lab, whose two hosts share one machine's 2 cores: a 1 GiB Stop move froze 2.74-3.10 s streamed
        /// against 2.41-2.92 s dumped then sent (the dump alone took 0.66-0.87 s and the send 1.49-1.76 s, which the
        /// stream would overlap with cores to spare).
        /// </summary>
        public const int MinCpus = 4;

        private const string Streamed = "Streamed", Dumped = "Dumped";

        /// <summary>True: stream; false: dump on the source; null when readiness could not tell (the engine then dumps on the source).</summary>
        public static bool? Chosen(IReadOnlyList<ReadinessResult> results) => YesNoRow.Read(results, Check, Streamed, Dumped);

        /// <summary>Whether the move judged will stream its memory while dumping (for its downtime estimate).</summary>
        internal static bool IsStreamed(ReadinessEvidence e) => Chosen(new[] { Row(e) }) == true;

        internal static ReadinessResult Row(ReadinessEvidence e)
        {
            var pair = e.Pair;
            var asked = e.Request.StreamMemory;
            if (e.Request.Mode == MigrationMode.PostCopy)
                return new ReadinessResult(Check, pair, ReadinessStatus.Skipped, "Not chosen: -Mode PostCopy never dumps the memory, the destination fetches it from the source.");
            if (asked == false)
                return new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Dumped}: as asked (-StreamMemory:$false); {e.Source.Name} writes the memory with the images, which are sent after.");
            if (e.Source.KnownFacts is not { } s || e.Destination.KnownFacts is not { } d)
                return new ReadinessResult(Check, pair, ReadinessStatus.Skipped, "Not chosen: both hosts must be inspected first (see the rows above).");
            var problems = Problems(e, s, d).ToList();
            if (problems.Count > 0)
            {
                var why = string.Join("; ", problems);
                return asked == true
                    ? new ReadinessResult(Check, pair, ReadinessStatus.Fail, $"{Streamed}: asked, and the memory cannot stream here: {why}.",
                        "Leave -StreamMemory out (the memory is then dumped on the source and sent after), or fix what the detail names.")
                    : new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Dumped}: -StreamMemory Auto chose it, as the memory cannot stream here: {why}.");
            }
            var how = $"CRIU sends it into a page server on {e.Destination.Name} as it dumps, over the direct link: nothing of it is written on {e.Source.Name}, and the transfer starts with the dump";
            if (asked == true) return new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Streamed}: as asked; {how}.");
            var codec = CompressionChoice.Chosen(new[] { CompressionChoice.Row(e) }) ?? StreamCompression.None;
            if (codec != StreamCompression.None)
                return new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Dumped}: -StreamMemory Auto chose it, as the memory goes compressed ({codec}) and CRIU's page server takes it plain.");
            var cores = $"{Cores(e.Source.Name, s)} and {Cores(e.Destination.Name, d)}";
            return s.Cpus >= MinCpus && d.Cpus >= MinCpus
                ? new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Streamed}: -StreamMemory Auto chose it ({cores}); {how}.")
                : new ReadinessResult(Check, pair, ReadinessStatus.Pass,
                    $"{Dumped}: -StreamMemory Auto chose it, as {cores}: streaming keeps the dump, SSH at both ends, a bridge and CRIU's page server busy at once, which pays from {MinCpus} CPUs a host.");
        }

        private static string Cores(string host, HostFacts f) => f.Cpus is int n ? $"{host} has {n} CPUs" : $"{host}'s CPUs were not counted";

        /// <summary>Why the memory cannot stream between these hosts; empty when it can.</summary>
        private static IEnumerable<string> Problems(ReadinessEvidence e, HostFacts s, HostFacts d)
        {
            if (e.Request.Mode == MigrationMode.PreCopy) yield return "-Mode PreCopy's final dump needs its parent images, which are on the source";
            if (e.Request.TransferRoute == TransferRoute.Relay) yield return "the streams are relayed (-TransferRoute Relay) and the stream needs the direct route";
            else if (e.Bandwidth.Succeeded && !e.Bandwidth.Value.Direct) yield return $"no direct link could be made from {e.Source.Name} to {e.Destination.Name} (the bandwidth was measured relayed; -Verbose says why)";
            foreach (var (name, f) in new[] { (e.Source.Name, s), (e.Destination.Name, d) })
            {
                if (f.Architecture != Runc.PageGuard.Architecture) yield return $"{name} is {f.Architecture}, and the page guard that bridges the stream is an {Runc.PageGuard.Architecture} program";
            }
            if (!s.IptablesWorks) yield return $"{e.Source.Name} has no working iptables, and only iptables can admit the dump (by a supplementary group) to its end of the stream";
        }
    }
}
