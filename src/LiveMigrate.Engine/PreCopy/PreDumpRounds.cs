using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.PreCopy
{
    /// <summary>
    /// Runs pre-dump rounds on the source while the container runs, streaming each to the same path on the
    /// destination, until the policy says the next dump will be small enough to freeze for.
    /// </summary>
    public static class PreDumpRounds
    {
        public static IReadOnlyList<PreDumpRound> Run(PreCopySeries series, IContainerHost source, IContainerHost destination, ITreeTransport transport,
            PreCopyPolicy policy, Action<PreDumpRound> roundDone, Action<long>? progress, CancellationToken ct)
        {
            var rounds = new List<PreDumpRound>();
            string? reason = null;
            while (reason == null)
            {
                ct.ThrowIfCancellationRequested();
                var n = rounds.Count + 1;
                var dir = series.RoundDir(n);
                source.CreateDirectory(dir, ct);
                var clock = Stopwatch.StartNew();
                // CRIU is never interrupted (it can leave tasks frozen): a Ctrl+C waits for the round's end.
                var stats = source.PreDump(series.Container, dir, n == 1 ? null : series.RoundDir(n - 1), CancellationToken.None);
                var duration = clock.Elapsed;
                var sent = transport.Copy(source, destination, new[] { dir }, progress, ct);
                var round = new PreDumpRound(series.Id, series.Container, n, stats, duration, sent);
                rounds.Add(round);
                reason = policy.StopReason(rounds.Select(r => r.PagesWritten).ToList());
                round.StopReason = reason;
                roundDone(round);
            }
            return rounds;
        }

        /// <summary>A pre-dump killed by its timeout can leave the tasks frozen: thaw them, since nothing else will.</summary>
        public static void ThawIfFrozen(IContainerRuntime source, string name, Action<string> say)
        {
            try
            {
                if (source.State(name, CancellationToken.None)?.Status == ContainerStatus.Paused) source.Resume(name, CancellationToken.None);
            }
            catch (Exception ex) { say($"Could not check that {name} runs on {source.Name} after the failed pre-dump: {ex.Message}"); }
        }
    }
}
