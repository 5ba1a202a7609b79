using System;
using System.Threading;
using LiveMigrate.Journal;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>
    /// The freeze: the source leaves the LAN, then CRIU dumps the container (post-copy: all but its memory, which it serves;
    /// with a page server: its memory straight into the destination's page server, the rest into the images here).
    /// </summary>
    internal sealed class CheckpointStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.Checkpoint;

        public override string Describe(MigrationContext c) => c.PageServer == null
            ? $"Checkpointing {c.Name} on {c.Source.Name} (frozen from here)"
            : $"Checkpointing {c.Name} on {c.Source.Name}, its memory straight into {c.Destination.Name}'s page server (frozen from here)";

        public override void Forward(MigrationContext c)
        {
            // CRIU is never interrupted: killed half-way it can leave tasks frozen or images torn. A Ctrl+C waits for the
            // call (bounded by its timeout) and is honoured between steps.
            if (c.Network != null)
            {
                // Off the LAN before the freeze: CRIU unlocks the network after a --leave-running dump, and the frozen
                // copy's kernel would then take and acknowledge its peers' data that the images never hold (a stalled
                // connection on the destination); later, it would answer for the addresses the destination announces.
                c.Source.Network!.Isolate(c.Network, CancellationToken.None);
            }
            if (c.PostCopy)
            {
                c.DumpMayListen = true;
                c.LazyDump = c.Source.StartLazyCheckpoint(c.Name, c.ImageDir, c.PagePort, CancellationToken.None);
            }
            else if (c.PageServer != null) DumpIntoPageServer(c);
            else c.Source.Checkpoint(c.Name, c.CheckpointDir, c.PreCopy ? c.Series!.RoundDir(c.LastRound) : null, CancellationToken.None);
        }

        private static void DumpIntoPageServer(MigrationContext c)
        {
            var none = CancellationToken.None;
            c.DumpedToPageServer = true;
            try { c.Source.CheckpointToPageServer(c.Name, c.ImageDir, c.PageServerReach, none); }
            catch (Exception ex) when (!(ex is OperationCanceledException) && WhyPageServerFailed(c) is string said)
            {
                throw new InvalidOperationException($"{ex.Message} CRIU's page server on {c.Destination.Name} says: {said}", ex);
            }
            // It ends once the dump has sent its last page and closed the connection; ending badly, it may have missed some.
            var served = c.PageServer!.WaitForExit(c.Options.Runtime.CommandTimeout, none);
            c.PageServer.Dispose();
            c.PageServer = null;
            if (!served.Succeeded)
                throw new InvalidOperationException($"CRIU's page server on {c.Destination.Name} ended badly (exit {served.ExitCode}) after the dump on {c.Source.Name}: the memory there may be incomplete. " +
                    (served.StandardError.Trim().Length > 0 ? $"It says: {served.StandardError.Trim()}" : "It said nothing."));
            c.PageServerMayRun = false;
        }

        /// <summary>
        /// After a failed dump, what the page server said if it failed too (a full disk there): it ends with the dump's
        /// connection. Null if it did not, or still waits for a dump that never connected.
        /// </summary>
        private static string? WhyPageServerFailed(MigrationContext c)
        {
            try
            {
                var server = c.PageServer!.WaitForExit(TimeSpan.FromSeconds(1), CancellationToken.None);
                return server.Succeeded || server.StandardError.Trim().Length == 0 ? null : server.StandardError.Trim();
            }
            catch (Exception) { return null; }
        }

        /// <summary>The container runs on the source again, as Resume-Migration puts it back (<see cref="WayBack"/>); the outage counts as downtime.</summary>
        public override void Undo(MigrationContext c)
        {
            var ct = CancellationToken.None;
            c.Frozen.Start();
            // A dump cut short leaves it waiting for pages that never come.
            c.StopPageServer();
            c.Record.Use(c.Paths);
            var wayBack = new WayBack(c.Record, c.Source, c.Destination, c.Network, c.Say);
            // Only a restore that was attempted can have left the container on the destination; when it was, an
            // unreachable destination must stop the rollback (running the source copy could run it twice).
            if (c.PostCopy)
            {
                c.StopPageTraffic();
                if (wayBack.EndLazyDump(() => c.RemoveRestoredCopy(ct))) c.DumpMayListen = false;
            }
            var onSource = c.Source.State(c.Name, ct);
            if (wayBack.Run(onSource, () => c.RemoveRestoredCopy(ct), checkImages: false, ct) == ResumeAction.CleanedUp)
                c.Say($"{c.Name} still runs on {c.Source.Name}.");
            c.Frozen.Stop();
            c.Result.Downtime = c.Frozen.Elapsed;
        }
    }
}
