using LiveMigrate.PreCopy;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>Pre-copy: rounds of memory sent to the destination while the container runs (none when rounds were staged before).</summary>
    internal sealed class PreDumpStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.PreDump;

        public override bool Applies(MigrationContext c) => c.PreCopy && !c.StagedSeries;

        public override string Describe(MigrationContext c) => $"Pre-dumping {c.Name}'s memory to {c.Destination.Name} while it runs";

        public override void Forward(MigrationContext c)
        {
            c.DestinationTouched = true;
            var rounds = PreDumpRounds.Run(c.Series!, c.Source, c.Destination, c.Transport, c.Options.PreCopy, round =>
            {
                c.Result._preCopyRounds.Add(round);
                c.Say($"Round {round.Round}: {round.PagesWritten} pages written in {round.Duration.TotalMilliseconds:0} ms, {round.Transferred} bytes sent." +
                    (round.StopReason == null ? "" : $" Stopping: {round.StopReason}."));
            }, c.Observer.TransferProgress, c.Ct);
            c.LastRound = rounds.Count;
        }

        /// <summary>A round cut short can leave the tasks frozen; after the freeze, the Checkpoint step's undo owns them.</summary>
        public override void Undo(MigrationContext c)
        {
            if (!c.FreezeBegun) PreDumpRounds.ThawIfFrozen(c.Source, c.Name, c.Say);
        }
    }
}
