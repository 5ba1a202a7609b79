using System;
using System.Threading;
using LiveMigrate.Journal;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>The freeze: the source leaves the LAN, then CRIU dumps the container (post-copy: all but its memory, which it serves).</summary>
    internal sealed class CheckpointStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.Checkpoint;

        public override string Describe(MigrationContext c) => $"Checkpointing {c.Name} on {c.Source.Name} (frozen from here)";

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
            else c.Source.Checkpoint(c.Name, c.CheckpointDir, c.PreCopy ? c.Series!.RoundDir(c.LastRound) : null, CancellationToken.None);
        }

        /// <summary>The container runs on the source again, as Resume-Migration puts it back (<see cref="WayBack"/>); the outage counts as downtime.</summary>
        public override void Undo(MigrationContext c)
        {
            var ct = CancellationToken.None;
            c.Frozen.Start();
            if (c.PostCopy) EndLazyDump(c);
            var onSource = c.Source.State(c.Name, ct);
            // Only a restore that was attempted can have left the container on the destination; when it was, an
            // unreachable destination must stop the rollback (running the source copy could run it twice).
            c.Record.Use(c.Paths);
            if (new WayBack(c.Record, c.Source, c.Destination, c.Network, c.Say).Run(onSource, () => c.RemoveRestoredCopy(ct), checkImages: false, ct) == ResumeAction.CleanedUp)
                c.Say($"{c.Name} still runs on {c.Source.Name}.");
            c.Frozen.Stop();
            c.Result.Downtime = c.Frozen.Elapsed;
        }

        /// <summary>
        /// Post-copy's source lets go of the frozen tasks only once nothing of the container runs on the destination: a
        /// lazy dump that still waits for or serves a client is told to end (CRIU lifts its network lock and leaves them
        /// frozen); until it has, a thaw would not let them run.
        /// </summary>
        private static void EndLazyDump(MigrationContext c)
        {
            var ct = CancellationToken.None;
            c.StopPageTraffic();
            c.RemoveRestoredCopy(ct);
            try
            {
                c.Source.EndLazyCheckpoint(c.Name, c.ImageDir, ct);
                c.DumpMayListen = false;
            }
            catch (Commands.CommandFailedException ex) { c.Say(ex.Message); }
            catch (Exception ex)
            {
                // The script ran to its end, which kills a dump that would not end when asked.
                c.DumpMayListen = false;
                c.Say(ex.Message);
            }
        }
    }
}
