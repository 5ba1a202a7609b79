namespace LiveMigrate.Hosts
{
    /// <summary>A host as messages name it: what every part of a host has in common.</summary>
    public interface INamedHost
    {
        string Name { get; }
    }
}
