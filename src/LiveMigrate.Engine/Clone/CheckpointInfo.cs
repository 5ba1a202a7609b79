using System;

namespace LiveMigrate.Clone
{
    /// <summary>A saved checkpoint on a host: a container's memory and bundle of one moment, checksummed.</summary>
    public sealed class CheckpointInfo
    {
        public CheckpointInfo(string name, string host, string path, string container, string bundle, DateTimeOffset created, long bytes, TimeSpan frozen)
        {
            Name = name;
            Host = host;
            Path = path;
            Container = container;
            Bundle = bundle;
            Created = created;
            Bytes = bytes;
            Frozen = frozen;
        }

        public string Name { get; }
        public string Host { get; }
        /// <summary>The checkpoint's folder on the host.</summary>
        public string Path { get; }
        /// <summary>The container it was taken of, and that container's bundle.</summary>
        public string Container { get; }
        public string Bundle { get; }
        public DateTimeOffset Created { get; }
        public long Bytes { get; }
        /// <summary>How long the container was paused while it was taken.</summary>
        public TimeSpan Frozen { get; }

        public override string ToString() => $"{Name} ({Container} on {Host})";
    }
}
