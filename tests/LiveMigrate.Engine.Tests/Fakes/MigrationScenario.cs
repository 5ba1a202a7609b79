using System;
using System.Linq;
using System.Threading;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>
    /// Two fake hosts with container "web" running on A, a fake transport, a recording observer and the
    /// engine; tests change what they need, call <see cref="Migrate"/> or <see cref="MigrateFailing"/>,
    /// and finish with <see cref="AssertInvariant"/>.
    /// </summary>
    public sealed class MigrationScenario : IDisposable
    {
        public const string Container = "web";
        public const string Bundle = "/var/lib/containers/web";
        public const string ImageRoot = "/var/lib/livemigrate/images";

        public MigrationScenario()
        {
            Source.WithContainer(Container, Bundle);
        }

        public FakeContainerHost Source { get; } = new FakeContainerHost("hostA");
        public FakeContainerHost Destination { get; } = new FakeContainerHost("hostB");
        public FakeTransport Transport { get; } = new FakeTransport();
        public RecordingObserver Observer { get; } = new RecordingObserver();
        /// <summary>-BundleSync Full, so that the bundle travels in the one stream the phase tests count; MigrationBundleSyncTests cover the others.</summary>
        public MigrationOptions Options { get; } = new MigrationOptions { ImageRoot = ImageRoot, SettleTime = TimeSpan.Zero, BundleSync = BundleSync.Full };
        public CancellationTokenSource Cancellation { get; } = new CancellationTokenSource();

        /// <summary>Whether the container ran on the source before the migration (set before running).</summary>
        public bool WasRunning => _wasRunning ?? throw new InvalidOperationException("Run the migration through the scenario first.");
        private bool? _wasRunning;

        /// <summary>The image directory the engine chose (from the result).</summary>
        public string ImageDir { get; private set; } = "";

        public MigrationResult Migrate()
        {
            _wasRunning = Source.IsRunning(Container);
            var result = Engine().Move(Container, Source, Destination, Observer, Cancellation.Token);
            ImageDir = result.ImagePath ?? "";
            return result;
        }

        public MigrationResult MigrateWithoutObserver()
        {
            _wasRunning = Source.IsRunning(Container);
            return Engine().Move(Container, Source, Destination, null, Cancellation.Token);
        }

        /// <param name="destination">Another destination than <see cref="Destination"/>, e.g. the source itself.</param>
        public MigrationException MigrateFailing(FakeContainerHost? destination = null)
        {
            _wasRunning = Source.IsRunning(Container);
            var ex = Assert.Throws<MigrationException>(() => Engine().Move(Container, Source, destination ?? Destination, Observer, Cancellation.Token));
            ImageDir = ex.Result.ImagePath ?? "";
            return ex;
        }

        /// <summary>Cancels the migration when the observer sees <paramref name="moment"/>.</summary>
        public void CancelAt(ObserverEvent moment) =>
            Observer.OnEvent = e => { if (e == moment) Cancellation.Cancel(); };

        /// <summary>
        /// The one rule of every migration: the container never runs on both hosts, and unless the result
        /// admits failure it runs on exactly the host the result names. A container that did not run
        /// before does not run afterwards.
        /// </summary>
        public void AssertInvariant(MigrationResult result)
        {
            // Whatever happened, the migration's link is closed (its key revoked on a real destination).
            Assert.Empty(Transport.OpenLinks);
            // ... and post-copy's page tunnel is gone, its ports open to everyone again.
            Assert.Empty(Transport.Tunnels);
            Assert.Empty(Source.GuardedPorts);
            Assert.Empty(Destination.GuardedPorts);
            var runningOn = new[] { Source, Destination }.Where(h => h.IsRunning(Container)).Select(h => h.Name).ToList();
            Assert.True(runningOn.Count <= 1, $"{Container} runs on both hosts: {string.Join(", ", runningOn)}");
            if (!WasRunning)
            {
                Assert.Empty(runningOn);
                return;
            }
            if (result.Status == MigrationStatus.Failed)
            {
                Assert.Null(result.RunningOn);
                return;
            }
            Assert.NotNull(result.RunningOn);
            Assert.Equal(new[] { result.RunningOn }, runningOn);
        }

        /// <summary>
        /// Nothing of a migration that failed by its dump is left on the destination, nor was anything but Stop's page
        /// server (its folder made, then removed, the server killed) done there.
        /// </summary>
        public void AssertDestinationUntouched()
        {
            var pageServerDir = Destination.CallsOf(HostOp.StartPageServer).Select(c => c.Argument.Substring(0, c.Argument.IndexOf(" :", StringComparison.Ordinal))).SingleOrDefault();
            Assert.DoesNotContain(Destination.MutatingCalls, c => !(c.Op is HostOp.CreateDirectory or HostOp.RemoveTree && c.Argument == pageServerDir));
            if (pageServerDir == null) return;
            Assert.Empty(Destination.FilesUnder(pageServerDir));
            Assert.All(Destination.PageServers, p => Assert.True(p.Disposed));
            Assert.Contains(new HostCall(HostOp.StopPageDaemons, pageServerDir), Destination.Calls);
        }

        /// <summary>The host the container left holds no entry of the name (no stopped leftover that blocks a later move).</summary>
        public void AssertNoEntryLeftOn(FakeContainerHost host) =>
            Assert.False(host.HasContainer(Container), $"{host.Name} still has an entry for {Container}");

        /// <summary>Nothing on the source changed: no mutating call, container as before, bundle in place.</summary>
        public void AssertSourceUntouched(ContainerStatus? status = ContainerStatus.Running)
        {
            Assert.Empty(Source.MutatingCalls);
            Assert.Equal(status, Source.StatusOf(Container));
            Assert.True(Source.PathExists(Bundle + "/config.json"));
        }

        /// <summary>After a rollback the destination has no trace of the migration.</summary>
        public void AssertDestinationClean()
        {
            Assert.False(Destination.HasContainer(Container), "the destination still has the container");
            Assert.Empty(Destination.FilesUnder(Bundle));
            if (ImageDir.Length > 0) Assert.Empty(Destination.FilesUnder(ImageDir));
        }

        /// <summary>Rolled back: status, where it runs, destination clean, source images gone.</summary>
        public void AssertRolledBack(MigrationException ex)
        {
            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Equal(Source.Name, ex.Result.RunningOn);
            Assert.Null(ex.Result.RollbackError);
            Assert.True(Source.IsRunning(Container));
            Assert.True(Source.PathExists(Bundle + "/config.json"), "the source bundle must survive a rollback");
            Assert.NotEqual("", ImageDir);
            Assert.Empty(Source.FilesUnder(ImageDir));
            AssertDestinationClean();
            AssertNoEntryLeftOn(Destination);
            AssertInvariant(ex.Result);
        }

        public void Dispose() => Cancellation.Dispose();

        /// <summary>Fault injection by step name: that step fails as it begins (see MigrationEngine.AtStep).</summary>
        public string? FaultAtStep { get; set; }

        private MigrationEngine Engine() => new MigrationEngine(Transport, Options)
        {
            AtStep = step => { if (step == FaultAtStep) throw new InvalidOperationException($"fault injected at step {step}"); },
        };
    }
}
