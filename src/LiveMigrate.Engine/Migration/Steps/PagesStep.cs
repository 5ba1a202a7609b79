using System;
using LiveMigrate.Runc;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>Post-copy or -LazyRestore: done when the lazy-pages daemon has filled every page and the source's lazy dump, if any, ended well.</summary>
    internal sealed class PagesStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.Pages;

        public override bool Applies(MigrationContext c) => c.PostCopy || c.LazyFromImages;

        public override string Describe(MigrationContext c) => c.PostCopy
            ? $"Sending {c.Name}'s memory to {c.Destination.Name} while it runs there"
            : $"Filling {c.Name}'s memory on {c.Destination.Name} from the images there while it runs";

        public override void Forward(MigrationContext c)
        {
            var filled = c.LazyPages!.WaitForExit(c.Options.Runtime.PageTransferTimeout, c.Ct);
            if (!filled.Succeeded)
                throw new InvalidOperationException($"The lazy-pages daemon on {c.Destination.Name} failed (exit {filled.ExitCode}) before every page arrived, and its page guard froze {c.Name} there: {filled.StandardError.Trim()} " +
                    $"See {c.CheckpointDir}/lazy-pages.log and {PageGuard.LogFile} there.");
            if (c.LazyDump == null)
            {
                c.StopPageTraffic();
                return;
            }
            // The dump ends when its client's connection closes, which the tunnel carries only once shut.
            c.Tunnel?.Dispose();
            c.Tunnel = null;
            var served = c.LazyDump.WaitForExit(TimeSpan.FromSeconds(30), c.Ct);
            if (!served.Succeeded)
                throw new InvalidOperationException($"The lazy dump on {c.Source.Name} failed (exit {served.ExitCode}): {served.StandardError.Trim()} See {c.ImageDir}/dump.log there.");
            c.StopPageTraffic();
            c.DumpMayListen = false;
            // CRIU lifted its network lock as it ended: the frozen copy gets ours until Cleanup removes it.
            c.Source.EndLazyCheckpoint(c.Name, c.ImageDir, c.Ct);
        }
    }
}
