using System;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Runc;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>After a success: the frozen copy, its network, images and bundle go from the source. Never cut short by Ctrl+C.</summary>
    internal sealed class CleanupStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.Cleanup;

        public override string Describe(MigrationContext c) => $"Removing what is left of {c.Name} on {c.Source.Name}";

        public override void Forward(MigrationContext c)
        {
            var ct = CancellationToken.None;
            // The source's copy stayed frozen for a rollback until now: it goes (killed while frozen, it never runs again).
            try
            {
                if (c.Source.State(c.Name, ct) is ContainerInfo left)
                {
                    if (left.Status == ContainerStatus.Running)
                        c.Say($"'{c.Name}' runs on {c.Source.Name} too: someone resumed the frozen copy there during the migration. It was left alone; remove one copy with runc delete --force.");
                    else
                        c.Source.Delete(c.Name, force: true, ct);
                }
            }
            catch (Exception ex)
            {
                c.Say($"Could not remove the frozen '{c.Name}' on {c.Source.Name} (runc delete --force {c.Name} there removes it): {ex.Message}");
            }
            RecordDumpStats(c);
            if (c.Network != null)
            {
                try { c.Source.Network!.Remove(c.Network, ct); }
                catch (Exception ex) { c.Say($"Could not remove the network namespace {c.Network.NamespacePath} from {c.Source.Name}: {ex.Message}"); }
            }
            c.RemoveOrReport(c.Source, c.ImageDir);
            c.RemoveOrReport(c.Source, c.Snapshot);
            if (c.SharedBundle) c.Say($"Kept the bundle {c.Bundle}: it is on shared storage, where {c.Name} now runs from.");
            else if (!HostPath.IsRemovable(c.Bundle)) c.Say($"Left the bundle {c.Bundle} on {c.Source.Name}: it is too close to / to remove automatically.");
            else if (SameDirectory.MayBe(c.Destination, c.Source, c.Bundle, c.Say, ct))
                c.Say($"Kept the bundle {c.Bundle} on {c.Source.Name}: it is (or may be) the same directory as on {c.Destination.Name}, where {c.Name} now runs from.");
            else c.RemoveOrReport(c.Source, c.Bundle);
            if (!c.Options.KeepImages) c.RemoveOrReport(c.Destination, c.ImageDir);
            c.ForgetSeries();
        }

        /// <summary>Statistics only, read once the container runs on the destination: unreadable, they are reported.</summary>
        private static void RecordDumpStats(MigrationContext c)
        {
            try
            {
                c.Result.FinalPagesWritten = c.Source.ReadDumpStats(c.CheckpointDir, CancellationToken.None).PagesWritten;
                if (c.DumpedToPageServer)
                {
                    // The Transfer step's streams left them out: they went during the dump.
                    c.Result.BytesStreamedWhileDumping = c.Result.FinalPagesWritten * DumpStats.PageSize;
                    c.Result.BytesTransferred += c.Result.BytesStreamedWhileDumping;
                }
                if (c.PostCopy) c.Result.PostCopyPages = c.Source.CountLazyPages(c.CheckpointDir, CancellationToken.None);
            }
            catch (Exception ex) { c.Say($"Could not read CRIU's statistics of the final dump: {ex.Message}"); }
        }
    }
}
