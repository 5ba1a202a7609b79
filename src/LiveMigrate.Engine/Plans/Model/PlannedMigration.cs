using System;
using System.Collections.Generic;

namespace LiveMigrate.Plans
{
    /// <summary>One migration of a plan with its effective settings: the plan's defaults, overridden by its own.</summary>
    public sealed class PlannedMigration
    {
        internal PlannedMigration(string name, string container, string wave, PlanHost source, PlanHost destination,
            string mode, TimeSpan criuTimeout, bool keepImages, IReadOnlyList<PlanHook> hooks, int line, int column)
        {
            Name = name;
            Container = container;
            Wave = wave;
            Source = source;
            Destination = destination;
            Mode = mode;
            CriuTimeout = criuTimeout;
            KeepImages = keepImages;
            Hooks = hooks;
            Line = line;
            Column = column;
        }

        /// <summary>Unique in the plan; the container's name unless the plan gives one.</summary>
        public string Name { get; }
        public string Container { get; }
        public string Wave { get; }
        public PlanHost Source { get; }
        public PlanHost Destination { get; }
        /// <summary>One of <see cref="PlanSchema.Modes"/>.</summary>
        public string Mode { get; }
        public TimeSpan CriuTimeout { get; }
        public bool KeepImages { get; }
        /// <summary>Each stage's hooks in the order written: the migration's own for a stage it names, else the defaults'.</summary>
        public IReadOnlyList<PlanHook> Hooks { get; }
        /// <summary>Where the migration is written in the plan file.</summary>
        public int Line { get; }
        public int Column { get; }

        public override string ToString() => $"{Name}: {Container} {Source.Name} -> {Destination.Name}";
    }
}
