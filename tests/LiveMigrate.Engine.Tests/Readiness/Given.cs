using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>Evidence as the probes would leave it for two healthy hosts, for the judgement tests to spoil one fact at a time.</summary>
    internal static class Given
    {
        public const string Src = "src", Dst = "dst", Pair = "src -> dst", Web = "web";
        public const string BundlePath = "/var/lib/livemigrate/bundles/web";

        /// <summary>A runc config.json with a bind mount by type and one by options, a namespace to join and a device.</summary>
        public const string Config =
            "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":false,\"args\":[\"sleep\",\"infinity\"]},\"root\":{\"path\":\"rootfs\",\"readonly\":true}," +
            "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}," +
            "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"mode=755\"]}," +
            "{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"mode=1777\"]}," +
            "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/web data\",\"options\":[\"rw\"]}," +
            "{\"destination\":\"/etc/resolv.conf\",\"source\":\"/etc/resolv.conf\",\"options\":[\"rbind\",\"ro\"]}," +
            "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"ro\"]}]," +
            "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/var/run/netns/web\"},{\"type\":\"mount\"}]," +
            "\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}]}}";

        public static HostFacts Facts(Action<HostFacts>? change = null)
        {
            var f = new HostFacts
            {
                Kernel = "6.1.0-18-amd64", Architecture = "x86_64", CgroupVersion = "v2", RuncVersion = "1.1.12", CriuVersion = "4.1",
                CriuCheckExitCode = 0, CriuCheckOutput = new[] { "Looks good." },
                IptablesVersion = "iptables-restore v1.8.9 (nf_tables)", IptablesWorks = true, PipeMaxSize = 4194304, Tar = "tar (GNU tar) 1.34", TcpClient = "bash",
                ImagesDirectory = "/var/lib/livemigrate", ImagesFreeBytes = 100L << 30, ImagesDevice = "2049", WriteBytesPerSecond = 1e9,
            };
            foreach (var feature in new[] { CriuFeature.PostCopy, CriuFeature.DirtyTracking, CriuFeature.NftablesLock }) f.Features[feature] = 0;
            change?.Invoke(f);
            return f;
        }

        public static CanaryResult CanaryOk() => CanaryResult.Parse("run_ms=80\ncheckpoint_ms=400\nrestore_ms=300\nok=1\n", timedOut: false);

        public static ContainerInfo Running(string bundle = BundlePath) => new ContainerInfo(Web, ContainerStatus.Running, 4242, bundle, null, Src);

        /// <summary>What container-inspect.sh prints for a container of that memory and bundle size, plus any records.</summary>
        public static string InspectOutput(long memKb = 20480, long bundleKb = 10240, string config = Config, params string[] records) =>
            $"pids=4242 4250\nmem_kb={memKb}\nbundle_kb={bundleKb}\nconfig={Convert.ToBase64String(Encoding.UTF8.GetBytes(config))}\n" +
            string.Concat(records.Select(r => r + "\n"));

        public static string PathsOutput(long availKb = 50L << 20, string device = "2049", params string[] missing) =>
            string.Concat(missing.Select(m => $"missing {m}\n")) + $"bundle_dir=/var/lib/livemigrate/bundles\nbundle_avail_kb={availKb}\nbundle_dev={device}\n";

        public static Outcome<T> Found<T>(T value) => Outcome<T>.Of(() => value);

        public static Outcome<T> Broken<T>(string message) => Outcome<T>.Of(() => throw new InvalidOperationException(message));

        public static ReadinessHost Reachable(string name) => new ReadinessHost(name, new FakeHostSession(_ => FakeHostSession.Exit(0)));

        public static ReadinessHost Unreachable(string name, Exception why) => new ReadinessHost(name, null, why);

        /// <summary>Both hosts reachable and fit for every mode, as the checker would have probed them.</summary>
        public static ReadinessEvidence TwoHosts(ReadinessRequest? request = null, ReadinessHost? source = null, ReadinessHost? destination = null)
        {
            var e = new ReadinessEvidence(request ?? new ReadinessRequest(), source ?? Reachable(Src), destination ?? Reachable(Dst));
            foreach (var h in new[] { e.Source, e.Destination }.Where(h => h.Host.Session != null))
            {
                h.Ping = Found(TimeSpan.FromMilliseconds(12));
                h.Access = Found(new RootAccess("root", BecomeMethod.None, "0", ""));
                h.Facts = Found(Facts());
                h.Canary = Found(CanaryOk());
            }
            if (e.Source.Host.Session != null && e.Destination.Host.Session != null)
            {
                e.Cpu = Found<string?>(null);
                e.Bandwidth = Found(new Bandwidth(500e6, "over a direct link"));
            }
            return e;
        }

        /// <summary>Healthy hosts and a running container "web" on the source whose bundle needs only what the destination has.</summary>
        public static ReadinessEvidence Container(ReadinessRequest? request = null, string config = Config, string? inspect = null, string? paths = null)
        {
            request ??= new ReadinessRequest();
            request.ContainerName = Web;
            var e = TwoHosts(request);
            e.Source.Container = Found<ContainerInfo?>(Running());
            e.Destination.Container = Found<ContainerInfo?>(null);
            e.ContainerFacts = Found(ContainerFacts.Parse(inspect ?? InspectOutput(config: config)));
            e.Bundle = BundleSpec.Parse(config, BundlePath);
            e.DestinationPaths = Found(DestinationPaths.Parse(paths ?? PathsOutput()));
            return e;
        }

        public static IReadOnlyList<ReadinessResult> Judge(this ReadinessEvidence e) => ReadinessChecks.Judge(e);

        public static ReadinessResult Row(this IEnumerable<ReadinessResult> rows, string check, string host)
        {
            var found = rows.Where(r => r.Check == check && r.Host == host).ToList();
            if (found.Count != 1) throw new InvalidOperationException($"Expected one {check} row on {host}, found {found.Count}: " + string.Join(" / ", rows));
            return found[0];
        }

        public static List<ReadinessResult> Rows(this IEnumerable<ReadinessResult> rows, string check, string host) =>
            rows.Where(r => r.Check == check && r.Host == host).ToList();

        /// <summary>Asserts the row's status and that its detail and remedy name what they should.</summary>
        public static ReadinessResult Is(this ReadinessResult row, ReadinessStatus status, string? inDetail = null, string? inRemedy = null)
        {
            Xunit.Assert.True(row.Status == status, $"Expected {status}, got: {row} | Fix: {row.Remedy}");
            if (inDetail != null) Xunit.Assert.Contains(inDetail, row.Detail);
            if (inRemedy != null) Xunit.Assert.Contains(inRemedy, row.Remedy);
            if (status == ReadinessStatus.Pass) Xunit.Assert.Equal("", row.Remedy);
            return row;
        }
    }
}
