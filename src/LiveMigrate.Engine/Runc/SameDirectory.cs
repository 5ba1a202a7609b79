using System;
using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// Whether a path is one and the same directory on two hosts (shared storage, a bind mount): a marker made in it on
    /// one host shows on the other. Device and inode numbers cannot tell, as they differ between NFS clients.
    /// </summary>
    public static class SameDirectory
    {
        /// <summary>
        /// False only when <paramref name="dir"/> on <paramref name="other"/> is certainly not the one on <paramref name="host"/>
        /// (which lacks it, or whose marker <paramref name="other"/> does not see); true when it is, or when that cannot be told.
        /// </summary>
        public static bool MayBe(IHostFiles host, IHostFiles other, string dir, Action<string> say, CancellationToken ct)
        {
            var marker = HostPath.Combine(dir, ".livemigrate-same-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            var made = false;
            try
            {
                if (!host.Exists(dir, ct)) return false;
                host.CreateDirectory(marker, ct);
                made = true;
                return other.Exists(marker, ct);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                say($"Could not tell whether {dir} on {other.Name} is the same directory as on {host.Name} ({ex.Message}): taken as shared.");
                return true;
            }
            finally
            {
                if (made)
                {
                    try { host.RemoveTree(marker, CancellationToken.None); }
                    catch (Exception ex) { say($"Could not remove the marker {marker} on {host.Name}: {ex.Message}"); }
                }
            }
        }
    }
}
