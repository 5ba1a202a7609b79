using System;

namespace LiveMigrate.Clone
{
    public enum CloneStatus { Running, Failed }

    /// <summary>One copy of a container made by Copy-Container: where it runs and how long each step took.</summary>
    public sealed class CloneResult
    {
        public CloneResult(string container, string source, string destination, string newName)
        {
            Container = container;
            Source = source;
            Destination = destination;
            NewName = newName;
        }

        public string Container { get; }
        public string Source { get; }
        public string Destination { get; }
        public string NewName { get; }
        public CloneStatus Status { get; internal set; }
        public string? Error { get; internal set; }
        /// <summary>The clone's own address with its prefix (a network service's clone), or null.</summary>
        public string? Address { get; internal set; }
        /// <summary>The clone's own network namespace (a network service's clone), or null.</summary>
        public string? NamespacePath { get; internal set; }
        /// <summary>How long the original was paused for the one checkpoint all copies come from.</summary>
        public TimeSpan SourceFrozen { get; internal set; }
        public long BytesTransferred { get; internal set; }
        /// <summary>How the checkpoint reached the destination (Relay also when it did not travel: a clone on the source host).</summary>
        public Transfer.TransferRoute TransferRoute { get; internal set; } = Transfer.TransferRoute.Relay;
        public TimeSpan TransferTime { get; internal set; }
        public TimeSpan RestoreTime { get; internal set; }
        /// <summary>From the start of the copy until this clone ran.</summary>
        public TimeSpan Elapsed { get; internal set; }

        public override string ToString() => $"{Container} -> {NewName} on {Destination}: {Status}";
    }
}
