using LiveMigrate.Hosts;
using LiveMigrate.Transfer;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// What the migration engine needs of a host, one part per concern; faked in unit tests, runc over SSH for real.
    /// Code that needs one concern takes that part's interface.
    /// </summary>
    public interface IContainerHost : IContainerRuntime, ICriuDaemons, IPortGuard, IHostFiles, IHostLocks
    {
        /// <summary>The host's side of moving a container's network namespace; null where networks are not handled (fakes).</summary>
        Network.INetworkHost? Network { get; }
    }
}
