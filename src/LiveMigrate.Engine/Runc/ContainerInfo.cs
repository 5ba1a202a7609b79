using System;

namespace LiveMigrate.Runc
{
    /// <summary>A container as runc reports it on one host.</summary>
    public sealed class ContainerInfo
    {
        public ContainerInfo(string name, ContainerStatus status, int pid, string bundle, DateTimeOffset? created, string host)
        {
            Name = name;
            Status = status;
            Pid = pid;
            Bundle = bundle;
            Created = created;
            Host = host;
        }

        public string Name { get; }
        public ContainerStatus Status { get; }
        public int Pid { get; }
        public string Bundle { get; }
        public DateTimeOffset? Created { get; }
        public string Host { get; }

        public override string ToString() => $"{Name} ({Status}) on {Host}";
    }
}
