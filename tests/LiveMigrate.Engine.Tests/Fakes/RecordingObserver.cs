using System;
using System.Collections.Generic;
using LiveMigrate.Migration;

namespace LiveMigrate.Tests.Fakes
{
    public enum ObserverEventKind { Started, Completed, Progress }

    public sealed record ObserverEvent(ObserverEventKind Kind, MigrationPhase? Phase)
    {
        public override string ToString() => Phase is null ? Kind.ToString() : $"{Kind} {Phase}";
    }

    /// <summary>Records what the engine reports; <see cref="OnEvent"/> lets a test act at a given moment.</summary>
    public sealed class RecordingObserver : IMigrationObserver
    {
        public List<ObserverEvent> Events { get; } = new();
        public List<long> Progress { get; } = new();
        public List<string> Messages { get; } = new();
        public Action<ObserverEvent>? OnEvent { get; set; }

        public IEnumerable<string> PhaseEvents
        {
            get
            {
                foreach (var e in Events)
                    if (e.Kind != ObserverEventKind.Progress) yield return e.ToString();
            }
        }

        public void PhaseStarted(MigrationPhase phase, string description) => Record(new ObserverEvent(ObserverEventKind.Started, phase));

        public void PhaseCompleted(MigrationPhase phase, TimeSpan duration) => Record(new ObserverEvent(ObserverEventKind.Completed, phase));

        public void TransferProgress(long bytes)
        {
            Progress.Add(bytes);
            Record(new ObserverEvent(ObserverEventKind.Progress, null));
        }

        public void Message(string text) => Messages.Add(text);

        private void Record(ObserverEvent e)
        {
            Events.Add(e);
            OnEvent?.Invoke(e);
        }
    }
}
