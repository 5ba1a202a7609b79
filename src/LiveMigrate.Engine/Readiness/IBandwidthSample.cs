using System;
using System.Threading;
using LiveMigrate.Readiness.Facts;

namespace LiveMigrate.Readiness
{
    /// <summary>
    /// A bandwidth measurement made ready beside the other probes (a direct link opened, its sample written), so that
    /// only the stream itself is timed alone; disposing it removes what it made.
    /// </summary>
    public interface IBandwidthSample : IDisposable
    {
        Bandwidth Measure(CancellationToken ct);
    }
}
