using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Readiness.Checks;
using static LiveMigrate.Readiness.Checks.ReadinessChecks;

namespace LiveMigrate.Readiness
{
    /// <summary>
    /// -LazyRestore (Stop and PreCopy): whether the destination runs the container as soon as its state is restored, a page
    /// daemon there filling its memory from the images that already arrived, or writes all of it first. Auto (the switch
    /// not given) restores lazily where the destination can (userfaultfd and the page guard) and the memory is large
    /// enough for its writing to outweigh starting the daemon. Readiness's "Restore" row carries the choice to whoever
    /// settles the option.
    /// </summary>
    public static class RestoreChoice
    {
        public const string Check = "Restore";

        /// <summary>
        /// From here a lazy restore pays: measured in the lab (bench/bench.ps1, one run), eager vs lazy downtime was
        /// 1108 vs 984 ms at 256 MiB and 5119 vs 2598 ms at 1 GiB, and lazy was the slower at 64 MiB (1220 vs 1010 ms).
        /// </summary>
        public const long MinLazyBytes = 256L << 20;

        private const string Lazy = "Lazy", Eager = "Eager";

        /// <summary>True: restore lazily; false: eagerly; null when readiness could not tell (the engine then restores eagerly).</summary>
        public static bool? Chosen(IReadOnlyList<ReadinessResult> results) => YesNoRow.Read(results, Check, Lazy, Eager);

        /// <summary>Whether the move judged will restore lazily (for its downtime estimate).</summary>
        internal static bool IsLazy(ReadinessEvidence e) => Chosen(new[] { Row(e) }) == true;

        internal static ReadinessResult Row(ReadinessEvidence e)
        {
            var pair = e.Pair;
            var asked = e.Request.LazyRestore;
            var destination = e.Destination.Name;
            if (e.Request.Mode == MigrationMode.PostCopy)
                return new ReadinessResult(Check, pair, ReadinessStatus.Skipped, "Not chosen: -Mode PostCopy always restores lazily, its memory coming from the source.");
            if (asked == false)
                return new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Eager}: as asked (-LazyRestore:$false); {destination} writes all the memory before the container runs.");
            if (e.Destination.KnownFacts is not { } facts)
                return new ReadinessResult(Check, pair, ReadinessStatus.Skipped, $"Not chosen: {destination} was not inspected (see the rows above).");
            var problems = HostChecks.LazyRestoreProblems(facts);
            if (problems.Count > 0)
            {
                var why = string.Join("; ", problems);
                return asked == true
                    ? new ReadinessResult(Check, pair, ReadinessStatus.Fail, $"{Lazy}: asked, and {destination} cannot restore lazily: {why}.",
                        $"Leave -LazyRestore out (the restore is then eager there), or give {destination} an x86_64 Linux {HostChecks.PageGuardKernel} or newer with CONFIG_USERFAULTFD and 'sysctl -w fs.pipe-max-size=4194304'.")
                    : new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Eager}: -LazyRestore Auto chose it, as {destination} cannot restore lazily: {why}.");
            }
            const string how = "the container runs before its memory is written, a page daemon there filling it from the images (its page guard freezes the copy if the daemon fails, and the move rolls back)";
            if (asked == true) return new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Lazy}: as asked; {how}.");
            if (!e.ContainerFacts.Succeeded)
                return new ReadinessResult(Check, pair, ReadinessStatus.Skipped, "Not chosen: the container's memory was not measured (see the rows above); the restore is eager.");
            var memory = e.ContainerFacts.Value.MemoryBytes;
            return memory >= MinLazyBytes
                ? new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{Lazy}: -LazyRestore Auto chose it for {Size(memory)} of memory (from {Size(MinLazyBytes)}); {how}.")
                : new ReadinessResult(Check, pair, ReadinessStatus.Pass,
                    $"{Eager}: -LazyRestore Auto chose it for {Size(memory)} of memory (below {Size(MinLazyBytes)}, starting a page daemon costs more than writing the memory before the container runs).");
        }
    }
}
