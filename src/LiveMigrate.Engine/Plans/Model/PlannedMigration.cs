using System;
using System.Collections.Generic;
using LiveMigrate.Migration;

namespace LiveMigrate.Plans
{
    /// <summary>One migration of a plan with its effective settings: the plan's defaults, overridden by its own.</summary>
    public sealed class PlannedMigration
    {
        internal PlannedMigration(string name, string wave, PlanHost source, PlanHost destination,
            MigrationRequest request, IReadOnlyList<PlanHook> hooks, int line, int column)
        {
            Name = name;
            Wave = wave;
            Source = source;
            Destination = destination;
            Request = request;
            Hooks = hooks;
            Line = line;
            Column = column;
        }

        /// <summary>Unique in the plan; the container's name unless the plan gives one.</summary>
        public string Name { get; }
        public string Container => Request.Container!.Value;
        public string Wave { get; }
        public PlanHost Source { get; }
        public PlanHost Destination { get; }
        /// <summary>Everything the plan says about how it runs, as Move-Container's parameters would say it; copy it before changing it.</summary>
        public MigrationRequest Request { get; }
        /// <summary>One of <see cref="PlanSchema.Modes"/>.</summary>
        public string Mode => Request.Mode?.ToString() ?? "Auto";
        public TimeSpan CriuTimeout => Request.Options.Runtime.CriuTimeout;
        public bool KeepImages => Request.Options.KeepImages;
        /// <summary>Each stage's hooks in the order written: the migration's own for a stage it names, else the defaults'.</summary>
        public IReadOnlyList<PlanHook> Hooks { get; }
        /// <summary>Where the migration is written in the plan file.</summary>
        public int Line { get; }
        public int Column { get; }

        public override string ToString() => $"{Name}: {Container} {Source.Name} -> {Destination.Name}";
    }
}
