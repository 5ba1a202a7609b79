using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>
    /// One coordinator for every way a migration is asked for: the request's rules, the journal, readiness and its gate,
    /// and the Auto choices (Move-Container and plans once had two different Auto rules).
    /// </summary>
    public sealed class MigrationCoordinatorTests
    {
        private readonly MigrationScenario _scenario = new MigrationScenario();
        private readonly List<ReadinessRequest> _asked = new List<ReadinessRequest>();
        private readonly List<string> _said = new List<string>();
        private IReadOnlyList<ReadinessResult> _results = new ReadinessResult[0];
        private int _journalsOpened;

        private MigrationCoordinator Coordinator() => new MigrationCoordinator(
            () => { _journalsOpened++; return new MigrationJournal(new MemoryJournalStore()); },
            (request, source, destination, ct) => { _asked.Add(request); return _results; },
            options => _scenario.Transport);

        private MigrationEndpoint Endpoint(FakeContainerHost host, bool isLocal = false) =>
            new MigrationEndpoint(host.Name, new FakeHostSession(_ => new CommandResult(0, "", "", TimeSpan.Zero)), isLocal, _ => host);

        private MigrationOptions Settle(MigrationRequest request, bool localSource = false) =>
            Coordinator().Settle(request, Endpoint(_scenario.Source, localSource), Endpoint(_scenario.Destination), _said.Add, CancellationToken.None);

        private static ReadinessResult Row(string check, string host, ReadinessStatus status, string detail = "detail") => new ReadinessResult(check, host, status, detail, "remedy");

        private static MigrationRequest Auto() => new MigrationRequest(ContainerName.Parse(MigrationScenario.Container)) { Mode = null };

        [Fact]
        public void Auto_takes_pre_copy_where_the_source_tracks_dirty_memory_for_every_caller()
        {
            _results = new[] { Row(HostChecks.PreCopy, "hostA", ReadinessStatus.Pass), Row(HostChecks.PostCopy, "hostA", ReadinessStatus.Pass), Row(HostChecks.PostCopy, "hostB", ReadinessStatus.Pass) };

            Assert.Equal(MigrationMode.PreCopy, Settle(Auto()).Mode);
            Assert.Null(Assert.Single(_asked).Mode);
            Assert.Contains("-Mode Auto: PreCopy, from what readiness found.", _said);
        }

        [Fact]
        public void Auto_takes_post_copy_only_between_hosts_that_forward_ports()
        {
            _results = new[] { Row(HostChecks.PreCopy, "hostA", ReadinessStatus.Warn), Row(HostChecks.PostCopy, "hostA", ReadinessStatus.Pass), Row(HostChecks.PostCopy, "hostB", ReadinessStatus.Pass) };

            Assert.Equal(MigrationMode.PostCopy, Settle(Auto()).Mode);
            Assert.Equal(MigrationMode.Stop, Settle(Auto(), localSource: true).Mode);
        }

        [Fact]
        public void A_warning_about_a_mode_Auto_did_not_choose_does_not_refuse()
        {
            _results = new[] { Row(HostChecks.PreCopy, "hostA", ReadinessStatus.Warn), Row(HostChecks.PostCopy, "hostA", ReadinessStatus.Warn) };

            Assert.Equal(MigrationMode.Stop, Settle(Auto()).Mode);
        }

        [Fact]
        public void A_failed_check_refuses_and_a_warning_refuses_unless_forced()
        {
            _results = new[] { Row(HostChecks.Canary, "hostA", ReadinessStatus.Warn) };
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container));

            Assert.True(Assert.Throws<ReadinessFailedException>(() => Settle(request)).WarningsOnly);
            request.Readiness.Force = true;
            Assert.Equal(MigrationMode.Stop, Settle(request).Mode);
            _results = new[] { Row(HostChecks.Canary, "hostA", ReadinessStatus.Fail) };
            Assert.False(Assert.Throws<ReadinessFailedException>(() => Settle(request)).WarningsOnly);
        }

        [Fact]
        public void Bundle_sync_Auto_takes_what_readiness_chose_and_a_named_one_stays()
        {
            _results = new[] { Row(BundleSyncChoice.Check, "hostA -> hostB", ReadinessStatus.Pass, "None: -BundleSync Auto chose it") };
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container));

            Assert.Equal(BundleSync.None, Settle(request).BundleSync);
            request.Options.BundleSync = BundleSync.Full;
            Assert.Equal(BundleSync.Full, Settle(request).BundleSync);
        }

        [Fact]
        public void Compress_Auto_takes_what_readiness_chose_and_readiness_is_told_what_was_asked()
        {
            _results = new[] { Row(CompressionChoice.Check, "hostA -> hostB", ReadinessStatus.Pass, "Lz4: -Compress Auto chose it") };
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container));

            Assert.Equal(LiveMigrate.Transfer.StreamCompression.Lz4, Settle(request).Compression);
            request.Options.Compression = LiveMigrate.Transfer.StreamCompression.None;
            Assert.Equal(LiveMigrate.Transfer.StreamCompression.None, Settle(request).Compression);
            Assert.Equal(LiveMigrate.Transfer.StreamCompression.Zstd, MigrationCoordinator.ReadinessRequest(new MigrationRequest(ContainerName.Parse("c")) { Options = { Compression = LiveMigrate.Transfer.StreamCompression.Zstd } }).Compression);
        }

        [Fact]
        public void LazyRestore_left_out_takes_what_readiness_chose_and_readiness_is_told_what_was_asked()
        {
            _results = new[] { Row(RestoreChoice.Check, "hostA -> hostB", ReadinessStatus.Pass, "Lazy: -LazyRestore Auto chose it for 1.0 GiB") };
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container));

            Assert.True(Settle(request).LazyRestore);
            Assert.Contains("-LazyRestore Auto: lazy, from what readiness found.", _said);
            Assert.Null(_asked[0].LazyRestore);
            request.Options.LazyRestore = false;
            Assert.False(Settle(request).LazyRestore);
            Assert.False(_asked[1].LazyRestore);
            _results = new ReadinessResult[0];
            Assert.False(Settle(new MigrationRequest(ContainerName.Parse(MigrationScenario.Container))).LazyRestore);
        }

        [Fact]
        public void StreamMemory_left_out_takes_what_readiness_chose_and_readiness_is_told_what_was_asked()
        {
            _results = new[] { Row(StreamChoice.Check, "hostA -> hostB", ReadinessStatus.Pass, "Streamed: -StreamMemory Auto chose it (hostA has 8 CPUs and hostB has 8 CPUs)") };
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container));

            Assert.True(Settle(request).StreamMemory);
            Assert.Contains("-StreamMemory Auto: streamed while dumping, from what readiness found.", _said);
            Assert.Null(_asked[0].StreamMemory);
            request.Options.StreamMemory = false;
            Assert.False(Settle(request).StreamMemory);
            Assert.False(_asked[1].StreamMemory);
            _results = new ReadinessResult[0];
            Assert.False(Settle(new MigrationRequest(ContainerName.Parse(MigrationScenario.Container))).StreamMemory);
        }

        [Fact]
        public void Skipped_readiness_dumps_the_memory_on_the_source_unless_asked()
        {
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container)) { Mode = MigrationMode.Stop };
            request.Readiness.Skip = true;

            Assert.False(Settle(request).StreamMemory);
            request.Options.StreamMemory = true;
            Assert.True(Settle(request).StreamMemory);
        }

        [Fact]
        public void Skipped_readiness_restores_eagerly_unless_asked()
        {
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container)) { Mode = MigrationMode.Stop };
            request.Readiness.Skip = true;

            Assert.False(Settle(request).LazyRestore);
            request.Options.LazyRestore = true;
            Assert.True(Settle(request).LazyRestore);
        }

        [Fact]
        public void Skipped_readiness_asks_nothing_and_the_journal_is_opened_either_way()
        {
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container)) { Mode = MigrationMode.PostCopy };
            request.Readiness.Skip = true;

            var options = Settle(request);

            Assert.Empty(_asked);
            Assert.Equal((MigrationMode.PostCopy, 1), (options.Mode, _journalsOpened));
            Assert.NotNull(options.Journal);
        }

        [Fact]
        public void Settling_leaves_the_request_as_it_was_for_the_next_run()
        {
            _results = new[] { Row(HostChecks.PreCopy, "hostA", ReadinessStatus.Pass), Row(BundleSyncChoice.Check, "x", ReadinessStatus.Pass, "Full: as asked") };
            var request = Auto();

            var options = Settle(request);

            Assert.Equal((MigrationMode.PreCopy, BundleSync.Full), (options.Mode, options.BundleSync));
            Assert.Equal(((MigrationMode?)null, BundleSync.Auto, (IMigrationJournal?)null), (request.Mode, request.Options.BundleSync, request.Options.Journal));
        }

        [Fact]
        public void The_way_back_skips_readiness_and_the_staged_pre_dump_and_Auto_is_Stop()
        {
            var there = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container)) { Mode = MigrationMode.PreCopy };
            there.Options.PredumpId = "p1";

            var back = there.Return();

            Assert.Equal((MigrationMode.PreCopy, (string?)null, true), (back.Mode, back.Options.PredumpId, back.Readiness.Skip));
            Assert.Equal(("p1", false), (there.Options.PredumpId, there.Readiness.Skip));
            Assert.Equal(MigrationMode.Stop, Auto().Return().Mode);
        }

        [Theory]
        [InlineData("hostB", "/var/lib/livemigrate/images", null, MigrationMode.Stop, false, false, "Destination")]
        [InlineData("hostA", "/images", null, MigrationMode.Stop, false, false, "ImageRoot")]
        [InlineData("hostA", "/var/lib/livemigrate/images", "p1", MigrationMode.Stop, false, false, "PredumpId")]
        [InlineData("hostA", "/var/lib/livemigrate/images", null, null, true, false, "Mode")]
        [InlineData("hostA", "/var/lib/livemigrate/images", null, MigrationMode.PostCopy, false, true, "Mode")]
        [InlineData("hostA", "/var/lib/livemigrate/images", "p1", MigrationMode.PreCopy, false, true, null)]
        public void Refuses_what_cannot_run_before_anything_is_asked_of_the_hosts(string source, string imageRoot, string? predumpId, MigrationMode? mode, bool skip, bool local, string? parameter)
        {
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container)) { Mode = mode };
            request.Options.ImageRoot = imageRoot;
            request.Options.PredumpId = predumpId;
            request.Readiness.Skip = skip;

            var refusal = MigrationCoordinator.Refusal(request, Endpoint(new FakeContainerHost(source), local), Endpoint(_scenario.Destination));

            Assert.Equal(parameter, refusal?.Parameter);
        }

        [Fact]
        public void Moves_through_the_endpoints_runtimes_with_the_settled_options()
        {
            var request = new MigrationRequest(ContainerName.Parse(MigrationScenario.Container));
            request.Readiness.Skip = true;
            request.Options.ImageRoot = MigrationScenario.ImageRoot;
            request.Options.SettleTime = TimeSpan.Zero;
            var coordinator = Coordinator();
            var source = Endpoint(_scenario.Source);
            var destination = Endpoint(_scenario.Destination);

            var result = coordinator.Move(request, coordinator.Settle(request, source, destination, _said.Add, CancellationToken.None), source, destination, _scenario.Observer, CancellationToken.None);

            Assert.Equal((MigrationStatus.Succeeded, "hostB"), (result.Status, result.RunningOn));
            Assert.True(_scenario.Destination.IsRunning(MigrationScenario.Container));
        }
    }
}
