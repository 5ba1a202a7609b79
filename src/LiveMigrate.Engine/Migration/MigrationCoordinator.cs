using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Journal;
using LiveMigrate.Readiness;
using LiveMigrate.Transfer;

namespace LiveMigrate.Migration
{
    /// <summary>Runs readiness for a migration about to start; the cmdlets' own runner also reports progress.</summary>
    public delegate IReadOnlyList<ReadinessResult> ReadinessRun(ReadinessRequest request, ReadinessHost source, ReadinessHost destination, CancellationToken ct);

    /// <summary>
    /// The one place a migration request becomes a migration, whoever asked (Move-Container, a plan, Test-MigrationReadiness):
    /// its rules, its defaults, the Auto mode and bundle-sync choices, the readiness gate and the journal.
    /// </summary>
    public sealed class MigrationCoordinator
    {
        private readonly Func<IMigrationJournal> _openJournal;
        private readonly ReadinessRun _readiness;
        private readonly Func<MigrationOptions, ITreeTransport> _transport;

        /// <param name="openJournal">The controller's journal; throws InvalidOperationException, naming the fix, when it cannot be used.</param>
        /// <param name="transport">How the engine streams; SSH with the options' timeout and route unless given.</param>
        public MigrationCoordinator(Func<IMigrationJournal> openJournal, ReadinessRun? readiness = null, Func<MigrationOptions, ITreeTransport>? transport = null)
        {
            _openJournal = openJournal;
            _readiness = readiness ?? CheckReadiness;
            _transport = transport ?? (options => new SshTreeTransport(options.TransferTimeout, options.TransferRoute, options.Compression));
        }

        /// <summary>Readiness on the calling thread, with no progress.</summary>
        public static IReadOnlyList<ReadinessResult> CheckReadiness(ReadinessRequest request, ReadinessHost source, ReadinessHost destination, CancellationToken ct) =>
            new ReadinessChecker(new ReadinessProbe(request)).Run(request, source, destination, ct);

        /// <summary>
        /// Why the request cannot run between these hosts, before anything is asked of them, with the parameter (plan key)
        /// at fault; null when it can.
        /// </summary>
        public static (string Parameter, Exception Error)? Refusal(MigrationRequest request, MigrationEndpoint source, MigrationEndpoint destination)
        {
            if (string.Equals(source.Name, destination.Name, StringComparison.OrdinalIgnoreCase))
                return ("Destination", new ArgumentException($"-Source and -Destination are both {source.Name}; a container moves between two hosts."));
            var imageRoot = request.Options.ImageRoot;
            if (!HostPath.IsRemovable(HostPath.Combine(imageRoot, "x")))
                return ("ImageRoot", new ArgumentException($"-ImageRoot '{imageRoot}' is too close to / for its image folders to be removed after a migration; use a folder at least two levels deep, such as /var/lib/livemigrate/images."));
            if (request.Options.PredumpId != null && request.Mode != MigrationMode.PreCopy)
                return ("PredumpId", new ArgumentException($"-PredumpId finishes a pre-copy; it cannot go with -Mode {request.Mode?.ToString() ?? "Auto"}."));
            if (request.Mode == null && request.Readiness.Skip)
                return ("Mode", new ArgumentException("-Mode Auto picks the mode from the readiness checks, which -SkipReadiness skips: name a mode instead."));
            if (request.Mode == MigrationMode.PostCopy && (source.IsLocal || destination.IsLocal))
                return ("Mode", new ArgumentException("-Mode PostCopy carries memory through SSH port forwarding, which a local host does not have; use SSH hosts or -Mode Stop."));
            if (request.Mode == MigrationMode.PostCopy && !RelayedPagesPossible(request, source, destination))
                return ("Mode", new NotSupportedException(
                    "-Mode PostCopy with -TransferRoute Relay carries the memory through LiveMigrate's own SSH port forwarding, which " +
                    $"{(source.ForwardsPorts ? destination.Name : source.Name)}, driven through a PowerShell session, does not have. " +
                    "Use -TransferRoute Auto or Direct (the pages go host to host over the direct link), or -Mode Stop."));
            return null;
        }

        /// <summary>Relayed, post-copy's pages need port forwarding on both hosts' connections; a PowerShell session has none.</summary>
        private static bool RelayedPagesPossible(MigrationRequest request, MigrationEndpoint source, MigrationEndpoint destination) =>
            request.Options.TransferRoute != Transfer.TransferRoute.Relay || (source.ForwardsPorts && destination.ForwardsPorts);

        /// <summary>What readiness checks for this request: the mode it asked for (none for Auto), its paths, runtime and bundle sync.</summary>
        public static ReadinessRequest ReadinessRequest(MigrationRequest request) => new ReadinessRequest
        {
            ContainerName = request.Container?.Value,
            Mode = request.Mode,
            ImageRoot = request.Options.ImageRoot,
            Runtime = request.Options.Runtime,
            BundleSync = request.Options.BundleSync,
            Compression = request.Options.Compression,
            LazyRestore = request.Options.LazyRestore,
            StreamMemory = request.Options.StreamMemory,
            TransferRoute = request.Options.TransferRoute,
            MaxDowntime = request.Readiness.MaxDowntime,
            NoCanary = request.Readiness.NoCanary,
            CanaryTimeout = request.Readiness.CanaryTimeout,
        };

        /// <summary>
        /// The options the engine runs with: the journal opened, then, unless skipped, readiness run, Auto settled from what it
        /// found and its verdict applied (a refusal is thrown). Without readiness, Auto is Stop with an eager restore, which need nothing special.
        /// </summary>
        public MigrationOptions Settle(MigrationRequest request, MigrationEndpoint source, MigrationEndpoint destination, Action<string> say, CancellationToken ct)
        {
            var container = request.Container ?? throw new ArgumentException("A migration needs a container name.");
            var options = request.Options.Copy();
            options.Mode = request.Mode ?? MigrationMode.Stop;
            options.Journal = _openJournal();
            if (request.Readiness.Skip)
            {
                options.LazyRestore ??= false;
                options.StreamMemory ??= false;
                return options;
            }
            var results = _readiness(ReadinessRequest(request), source.ForReadiness(), destination.ForReadiness(), ct);
            if (request.Mode == null)
            {
                options.Mode = ModeChoice.Choose(results, source.Name, destination.Name, postCopyPossible: !(source.IsLocal || destination.IsLocal) && RelayedPagesPossible(request, source, destination));
                results = ModeChoice.ForMode(results, options.Mode);
                say($"-Mode Auto: {options.Mode}, from what readiness found.");
            }
            if (options.BundleSync == BundleSync.Auto && BundleSyncChoice.Chosen(results) is { } sync)
            {
                options.BundleSync = sync;
                say($"-BundleSync Auto: {sync}, from what readiness found.");
            }
            if (options.Compression == StreamCompression.Auto && CompressionChoice.Chosen(results) is { } compression)
            {
                options.Compression = compression;
                say($"-Compress Auto: {compression}, from what readiness measured.");
            }
            if (options.LazyRestore == null)
            {
                options.LazyRestore = RestoreChoice.Chosen(results) == true;
                if (options.Mode != MigrationMode.PostCopy) say($"-LazyRestore Auto: {(options.LazyRestore == true ? "lazy" : "eager")}, from what readiness found.");
            }
            if (options.StreamMemory == null)
            {
                options.StreamMemory = StreamChoice.Chosen(results) == true;
                if (options.Mode == MigrationMode.Stop) say($"-StreamMemory Auto: {(options.StreamMemory == true ? "streamed while dumping" : "dumped on the source, then sent")}, from what readiness found.");
            }
            foreach (var r in results) say($"Readiness: {r.Status} {r.Check} on {r.Host}: {r.Detail}");
            var refusal = ReadinessGate.Refusal(container, results, request.Readiness.Force);
            if (refusal != null) throw refusal;
            return options;
        }

        /// <summary>Runs the settled migration; see <see cref="MigrationEngine.Move"/>.</summary>
        public MigrationResult Move(MigrationRequest request, MigrationOptions settled, MigrationEndpoint source, MigrationEndpoint destination, IMigrationObserver observer, CancellationToken ct)
        {
            var engine = new MigrationEngine(_transport(settled), settled);
            return engine.Move(request.Container ?? throw new ArgumentException("A migration needs a container name."),
                source.Runtime(settled.Runtime), destination.Runtime(settled.Runtime), observer, ct);
        }
    }
}
