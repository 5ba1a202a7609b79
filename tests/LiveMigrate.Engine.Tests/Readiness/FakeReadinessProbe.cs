using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Runc;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>Answers every probe from a delegate given the host's name ("src" or "dst"), and logs when each began and ended.</summary>
    internal sealed class FakeReadinessProbe : IReadinessProbe
    {
        private readonly IHostSession _source;

        public FakeReadinessProbe(IHostSession source) { _source = source; }

        public ConcurrentQueue<string> Log { get; } = new ConcurrentQueue<string>();
        public Action<string, CancellationToken> OnPing { get; set; } = (_, _) => { };
        public Func<string, RootAccess> OnAccess { get; set; } = _ => new RootAccess("root", BecomeMethod.None, "0", "");
        public Func<string, HostFacts> OnFacts { get; set; } = _ => Given.Facts();
        public Func<string, CancellationToken, CanaryResult> OnCanary { get; set; } = (_, _) => Given.CanaryOk();
        public Func<string, ContainerInfo?> OnState { get; set; } = host => host == Given.Src ? Given.Running() : null;
        public Func<ContainerFacts> OnInspect { get; set; } = () => ContainerFacts.Parse(Given.InspectOutput());
        public List<string> CheckedPaths { get; } = new List<string>();
        public Func<NetworkFacts?> OnNetwork { get; set; } = () => null;

        private string Name(IHostSession s) => ReferenceEquals(s, _source) ? Given.Src : Given.Dst;

        private T Logged<T>(string what, Func<T> probe)
        {
            Log.Enqueue("begin " + what);
            try { return probe(); }
            finally { Log.Enqueue("end " + what); }
        }

        public void Ping(IHostSession host, CancellationToken ct) => Logged("Ping " + Name(host), () => { OnPing(Name(host), ct); return 0; });
        public RootAccess Access(IHostSession host, CancellationToken ct) => Logged("Access " + Name(host), () => OnAccess(Name(host)));
        public HostFacts Facts(IHostSession host, CancellationToken ct) => Logged("Facts " + Name(host), () => OnFacts(Name(host)));
        public CanaryResult Canary(IHostSession host, CancellationToken ct) => Logged("Canary " + Name(host), () => OnCanary(Name(host), ct));
        public ContainerInfo? State(IHostSession host, string name, CancellationToken ct) => Logged("State " + Name(host), () => OnState(Name(host)));
        public ContainerFacts Inspect(IHostSession host, ContainerInfo container, CancellationToken ct) => Logged("Inspect " + Name(host), OnInspect);
        public NetworkFacts? CheckNetwork(IHostSession source, IHostSession destination, string bundle, CancellationToken ct) => Logged("Network", OnNetwork);

        public DestinationPaths CheckPaths(IHostSession host, string bundle, IReadOnlyList<string> paths, CancellationToken ct) =>
            Logged("CheckPaths " + Name(host), () =>
            {
                CheckedPaths.AddRange(paths);
                return DestinationPaths.Parse(Given.PathsOutput());
            });

        public string? CheckCpu(IHostSession source, IHostSession destination, CancellationToken ct) => Logged<string?>("CheckCpu", () => null);
        public Func<IBandwidthSample>? OnPrepareBandwidth { get; set; }
        public IBandwidthSample PrepareBandwidth(IHostSession source, IHostSession destination, CancellationToken ct) => Logged("PrepareBandwidth", OnPrepareBandwidth ?? (() => new Sample(this)));
        public int BandwidthSamplesDisposed { get; private set; }

        private sealed class Sample : IBandwidthSample
        {
            private readonly FakeReadinessProbe _probe;
            public Sample(FakeReadinessProbe probe) { _probe = probe; }
            public Bandwidth Measure(CancellationToken ct) => _probe.Logged("MeasureBandwidth", () => new Bandwidth(_probe.BytesPerSecond, "over a direct link"));
            public void Dispose() => _probe.BandwidthSamplesDisposed++;
        }
        public double BytesPerSecond { get; set; } = 500e6;
        public Func<CompressionSample> OnSample { get; set; } = () => CompressionSample.Parse("sample_bytes=0");
        public IReadOnlyList<int>? SampledPids { get; private set; }
        public CompressionSample SampleCompression(IHostSession source, IReadOnlyList<int> pids, CancellationToken ct) => Logged("SampleCompression", () => { SampledPids = pids; return OnSample(); });
    }
}
