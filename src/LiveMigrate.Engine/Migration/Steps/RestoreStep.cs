using System.Threading;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>The network rebuilt on the destination, the container restored there (lazily, with a page daemon), then announced.</summary>
    internal sealed class RestoreStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.Restore;

        public override string Describe(MigrationContext c) => $"Restoring {c.Name} on {c.Destination.Name}";

        public override void Forward(MigrationContext c)
        {
            // CRIU is never interrupted once it runs (see the Checkpoint step); cancellation waits for the next step.
            var none = CancellationToken.None;
            var loopbackRestore = false;
            if (c.Network != null)
            {
                // The restored sockets need their addresses and a link up; the LAN learns of them only after the restore.
                c.Destination.Network!.Build(c.Network, none);
            }
            else if (c.Destination.Network is Network.INetworkHost net)
            {
                // A namespace runc makes: its restore needs lo up before CRIU connects sockets on 127.0.0.1 back.
                loopbackRestore = net.PrepareLoopbackRestore(c.Bundle, none);
            }
            if (c.PostCopy)
            {
                c.LazyPages = c.Destination.StartLazyPages(c.Name, c.ImageDir, c.TunnelPort);
                c.Destination.RestoreLazy(c.Name, c.Bundle, c.ImageDir, none);
            }
            else if (c.LazyFromImages)
            {
                c.LazyPages = c.Destination.StartLazyPages(c.Name, c.CheckpointDir, null);
                c.Destination.RestoreLazy(c.Name, c.Bundle, c.CheckpointDir, none);
            }
            else
            {
                c.Destination.Restore(c.Name, c.Bundle, c.CheckpointDir, none);
            }
            c.RestoredCopy = c.RequireRunning(none);
            if (c.Network != null) c.Destination.Network!.Announce(c.Network, none);
            if (loopbackRestore) c.Destination.Network!.FinishLoopbackRestore(c.Bundle, none);
            c.Frozen.Stop();
            c.Result.Downtime = c.Frozen.Elapsed;
            c.Say($"{c.Name} runs on {c.Destination.Name} after {c.Result.Downtime.TotalMilliseconds:0} ms of downtime.");
        }

        /// <summary>A page daemon still filling a copy that goes: its channels closed, then the daemon itself.</summary>
        public override void Undo(MigrationContext c)
        {
            if (c.LazyPages == null) return;
            c.StopPageTraffic();
            c.KillPageDaemons(c.Destination, c.CheckpointDir);
        }
    }
}
