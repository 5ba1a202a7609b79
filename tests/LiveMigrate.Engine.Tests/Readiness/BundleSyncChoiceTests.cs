using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Support;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>-BundleSync Auto: None for a bundle both hosts share, Delta otherwise, Full only where Delta cannot work.</summary>
    public sealed class BundleSyncChoiceTests
    {
        private const string SourceId = "bundle_id=1234 2048 2026-12-06 19:00:00.123456789 +0000 2026-12-06 19:00:00.123456789 +0000";

        private static ReadinessEvidence Auto(string? destinationId = null, Action<HostFacts>? destinationFacts = null, BundleSync sync = BundleSync.Auto)
        {
            var e = Container(new ReadinessRequest { BundleSync = sync }, inspect: InspectOutput(20480, 409600, Config, SourceId, "bundle_recent_bytes=1048576"),
                paths: destinationId == null ? null : "bundle_exists=1\n" + destinationId + "\n" + PathsOutput());
            if (destinationFacts != null) e.Destination.Facts = Found(Facts(destinationFacts));
            return e;
        }

        [Fact]
        public void Auto_picks_Delta_when_the_destination_has_no_bundle_and_both_hosts_have_GNU_tar()
        {
            var rows = Auto().Judge();

            rows.Row(BundleSyncChoice.Check, Pair).Is(ReadinessStatus.Pass, "Delta: -BundleSync Auto chose it; the bundle (400 MiB) is copied while the container runs")
                .Is(ReadinessStatus.Pass, "changed in the last minute hold 1 MiB");
            Assert.Equal(BundleSync.Delta, BundleSyncChoice.Chosen(rows));
        }

        [Fact]
        public void Auto_picks_None_when_the_destination_sees_the_source_s_own_bundle()
        {
            var rows = Auto(destinationId: SourceId).Judge();

            rows.Row(BundleSyncChoice.Check, Pair).Is(ReadinessStatus.Pass, "None: -BundleSync Auto chose it; the bundle stays where it is, on storage both hosts share");
            rows.Row(ContainerChecks.Bundle, Dst).Is(ReadinessStatus.Pass, "The bundle is there already (shared storage)");
            Assert.Equal(BundleSync.None, BundleSyncChoice.Chosen(rows));
        }

        [Fact]
        public void Auto_refuses_a_different_bundle_at_the_destination_s_path_as_before()
        {
            var rows = Auto(destinationId: SourceId.Replace("1234", "999")).Judge();

            rows.Row(ContainerChecks.Bundle, Dst).Is(ReadinessStatus.Fail, "already exists there", "-BundleSync None if it is shared storage");
            Assert.Equal(BundleSync.Delta, BundleSyncChoice.Chosen(rows));
        }

        [Fact]
        public void Auto_falls_back_to_Full_and_says_why_when_a_host_lacks_GNU_tar()
        {
            var rows = Auto(destinationFacts: f => f.Tar = "tar: unrecognized option '--version'").Judge();

            rows.Row(BundleSyncChoice.Check, Pair).Is(ReadinessStatus.Pass, "Full: -BundleSync Auto chose it, as Delta needs GNU tar's --listed-incremental, which dst");
            Assert.Equal(BundleSync.Full, BundleSyncChoice.Chosen(rows));
        }

        [Fact]
        public void Delta_asked_for_fails_where_a_host_lacks_GNU_tar()
        {
            Auto(destinationFacts: f => f.Tar = null, sync: BundleSync.Delta).Judge()
                .Row(BundleSyncChoice.Check, Pair).Is(ReadinessStatus.Fail, "dst (no tar) lacks", "-BundleSync Full");
        }

        [Theory]
        [InlineData(BundleSync.Full)]
        [InlineData(BundleSync.Delta)]
        public void What_was_asked_for_is_kept(BundleSync sync)
        {
            var rows = Auto(sync: sync).Judge();

            rows.Row(BundleSyncChoice.Check, Pair).Is(ReadinessStatus.Pass, $"{sync}: as asked");
            Assert.Equal(sync, BundleSyncChoice.Chosen(rows));
        }

        [Fact]
        public void Nothing_is_chosen_when_the_container_was_not_inspected()
        {
            var e = Auto();
            e.ContainerFacts = Broken<ContainerFacts>("runc ps failed");
            e.Bundle = null;
            e.DestinationPaths = Outcome<DestinationPaths>.NotRun;

            Assert.Null(BundleSyncChoice.Chosen(e.Judge()));
        }
    }

    /// <summary>The scripts' side, on this machine: the same bundle seen twice has one id, a copy of it another.</summary>
    public sealed class BundleIdScriptTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        private static string? SourceId(string bundle)
        {
            using var runc = new FakeRunc(ps: $"echo '[{Environment.ProcessId}]'");
            var request = new ReadinessRequest();
            request.Runtime.RuncPath = runc.Path;
            var container = new ContainerInfo("web", ContainerStatus.Running, Environment.ProcessId, bundle, null, "localhost");
            return new ReadinessProbe(request).Inspect(new LocalHostSession(), container, CancellationToken.None).BundleId;
        }

        private static string? DestinationId(string bundle) =>
            new ReadinessProbe(new ReadinessRequest()).CheckPaths(new LocalHostSession(), bundle, new string[0], CancellationToken.None).BundleId;

        [Fact]
        public void The_same_bundle_has_the_same_id_and_an_exact_copy_another()
        {
            var bundle = Directory.CreateDirectory(_dir.File("web")).FullName;
            File.WriteAllText(Path.Combine(bundle, "config.json"), Config);
            var copy = _dir.File("copy");
            // As tar would unpack it: same content, size and modification time.
            Process.Start("cp", new[] { "-a", bundle, copy })!.WaitForExit();

            var id = SourceId(bundle);

            Assert.False(string.IsNullOrEmpty(id));
            Assert.Equal(id, DestinationId(bundle));
            Assert.NotEqual(id, DestinationId(copy));
        }

        [Fact]
        public void Files_changed_in_the_last_minute_are_counted_for_Delta()
        {
            var bundle = Directory.CreateDirectory(_dir.File("web")).FullName;
            File.WriteAllText(Path.Combine(bundle, "config.json"), Config);
            File.WriteAllBytes(Path.Combine(bundle, "old"), new byte[100000]);
            File.SetLastWriteTimeUtc(Path.Combine(bundle, "old"), DateTime.UtcNow.AddHours(-1));
            File.WriteAllBytes(Path.Combine(bundle, "new"), new byte[3000]);

            using var runc = new FakeRunc(ps: $"echo '[{Environment.ProcessId}]'");
            var request = new ReadinessRequest();
            request.Runtime.RuncPath = runc.Path;
            var container = new ContainerInfo("web", ContainerStatus.Running, Environment.ProcessId, bundle, null, "localhost");
            var facts = new ReadinessProbe(request).Inspect(new LocalHostSession(), container, CancellationToken.None);

            Assert.Equal(3000 + Config.Length, facts.BundleRecentBytes);
        }
    }
}
