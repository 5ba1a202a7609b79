using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using LiveMigrate.Clone;
using LiveMigrate.Commands;
using LiveMigrate.Network;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;
using static LiveMigrate.Tests.Fakes.FakeHostSession;

namespace LiveMigrate.Tests.Clone
{
    /// <summary>
    /// Copy-Container of a network service: each clone gets its own address and namespace, made on its host before its
    /// restore, which closes the connections the original keeps; anything wrong is refused before the original is paused.
    /// </summary>
    public sealed class CloneEngineNetworkTests
    {
        private const string Bundle = "/var/lib/livemigrate/containers/web";
        private const string Config = "{\"linux\":{\"cgroupsPath\":\"/livemigrate/web\",\"namespaces\":[{\"type\":\"network\",\"path\":\"/run/netns/web\"}]}}";
        private static readonly RuntimeOptions Options = new RuntimeOptions();

        /// <summary>A scripted host: its containers, the files written on it, and what ran, in order (with its network's steps).</summary>
        private sealed class Host
        {
            public Host(string name, ContainerNetwork? network = null)
            {
                Containers = new FakeContainerHost(name);
                Net = new FakeNetworkHost(Containers, network);
                // A start is the CRIU configuration sent to the host once (RuncHost.DumpEnvironment).
                Store = new CheckpointStore(new RuncHost(new FakeHostSession(Answer, _ => new FakeProcess(System.IO.Stream.Null, new System.IO.MemoryStream(), new CommandResult(0, "", "", TimeSpan.Zero)), name), Options), Options, network: Net);
            }

            public FakeContainerHost Containers { get; }
            public FakeNetworkHost Net { get; }
            public CheckpointStore Store { get; }
            public HashSet<string> Running { get; } = new() { "web" };
            public Dictionary<string, string> Files { get; } = new();
            public List<string> Did { get; } = new();
            public bool RestoreFails { get; set; }

            private CommandResult Answer(CommandLine c)
            {
                var a = c.Arguments;
                if (a[0] == "runc" && a[1] == "state")
                    return Running.Contains(a[2]) ? Exit(0, "{\"id\":\"" + a[2] + "\",\"pid\":7,\"status\":\"running\",\"bundle\":\"" + Bundle + "\"}") : Exit(1, stderr: "container does not exist");
                if (a[0] == "runc" && a[1] == "restore")
                {
                    Did.Add("restore " + a[^1] + " with " + Files[a[a.ToList().IndexOf("--bundle") + 1] + "/config.json"]);
                    if (RestoreFails) return Exit(1, stderr: "criu failed");
                    Running.Add(a[^1]);
                    return Exit(0);
                }
                if (a[0] == "test") return Exit(1);
                if (a[0] == "runc" && a[1] == "delete") { Running.Remove(a[^1]); Did.Add("delete " + a[^1]); return Exit(0); }
                if (a[0] == "sh" && a[3] == "write-file") { Files[a[4]] = Encoding.UTF8.GetString(Convert.FromBase64String(a[5])); return Exit(0); }
                if (a[0] == "cat" && a[1].EndsWith("/config.json", StringComparison.Ordinal)) return Exit(0, Config);
                if (a[0] == "sh" && a[3].EndsWith(".sh", StringComparison.Ordinal))
                {
                    Did.Add(string.Join(" ", a.Skip(3)));
                    return Exit(0, "frozen_ms=5\nbytes=100\n");
                }
                if (a[0] == "sh" && a[3] == "sh" && !a[2].Contains("mkdir")) Did.Add("criu config: " + string.Join(" ", a.Skip(4)));
                return Exit(0);
            }
        }

        private static IReadOnlyList<CloneResult> Copy(Host source, Host[] targets, params string[] addresses) =>
            new CloneEngine(new RecordingTransport()).Copy("web", source.Store, targets.Select((t, i) => (t.Store, $"web-{i + 1}")).ToList(), "clone-web-1",
                keepCheckpoint: false, default, CloneAddress.ParseAll(addresses, targets.Length));

        [Fact]
        public void A_service_without_addresses_is_refused_before_it_is_paused_naming_Address()
        {
            var source = new Host("hostA", FakeNetworkHost.Sample());

            var ex = Assert.Throws<ArgumentException>(() => Copy(source, new[] { new Host("hostB") }));

            Assert.Contains("a clone can never take the original's address: give each clone its own with -Address", ex.Message);
            Assert.Contains("/run/netns/web", ex.Message);
            Assert.DoesNotContain(source.Did, d => d.StartsWith("checkpoint-save.sh", StringComparison.Ordinal));
        }

        [Fact]
        public void Addresses_for_a_container_whose_namespace_runc_makes_are_refused_before_it_is_paused()
        {
            var source = new Host("hostA");

            var ex = Assert.Throws<ArgumentException>(() => Copy(source, new[] { new Host("hostB") }, "198.18.0.51"));

            Assert.Contains("-Address was given, but web's network namespace is made by runc", ex.Message);
            Assert.Empty(source.Did);
        }

        [Fact]
        public void A_container_without_a_namespace_path_is_cloned_as_before()
        {
            var (source, target) = (new Host("hostA"), new Host("hostB"));

            var result = Copy(source, new[] { target }).Single();

            Assert.Equal(CloneStatus.Running, result.Status);
            Assert.Null(result.Address);
            Assert.Contains(source.Did, d => d.EndsWith("/clone-web-1", StringComparison.Ordinal));
            Assert.Empty(target.Net.Steps);
            Assert.DoesNotContain("org.criu.config", target.Files[Bundle + "-1/config.json"]);
        }

        [Fact]
        public void Each_clone_gets_its_own_network_made_before_its_restore_which_closes_the_connections()
        {
            var source = new Host("hostA", FakeNetworkHost.Sample());
            var (b, c) = (new Host("hostB"), new Host("hostC"));

            var results = Copy(source, new[] { b, c }, "198.18.0.51", "198.18.0.52/16");

            Assert.Equal(new[] { CloneStatus.Running, CloneStatus.Running }, results.Select(r => r.Status));
            Assert.Equal(new[] { "198.18.0.51/24", "198.18.0.52/16" }, results.Select(r => r.Address));
            Assert.Equal(new[] { "/run/netns/web-1", "/run/netns/web-2" }, results.Select(r => r.NamespacePath));
            Assert.Contains(source.Did, d => d.EndsWith("/clone-web-1 --tcp-established", StringComparison.Ordinal));
            Assert.Equal(new[] { "Check", "AddressesInUse", "Build", "Announce" }, b.Net.Steps);
            var conf = Bundle + "-1/" + CheckpointStore.CloneCriuConfigFile;
            var restored = b.Did.Single(d => d.StartsWith("restore ", StringComparison.Ordinal));
            Assert.Contains("\"path\": \"/run/netns/web-1\"", restored);
            Assert.Contains($"\"org.criu.config\": \"{conf}\"", restored);
            Assert.Contains("/livemigrate/web-1", restored);
            Assert.Equal(CloneConfig.RestoreCriuOptions, b.Files[conf]);
            // Afterwards config.json no longer names it, and the file holds what CRIU reads for any container there.
            Assert.DoesNotContain("org.criu.config", b.Files[Bundle + "-1/config.json"]);
            Assert.Contains("\"path\": \"/run/netns/web-1\"", b.Files[Bundle + "-1/config.json"]);
            Assert.Contains($"criu config: /etc/criu/runc.conf {conf}", b.Did);
        }

        [Fact]
        public void A_destination_that_cannot_make_the_namespace_stops_everything_before_the_pause()
        {
            var source = new Host("hostA", FakeNetworkHost.Sample());
            var (b, c) = (new Host("hostB"), new Host("hostC"));
            c.Net.Problems.Add("there is no bridge br0");

            var ex = Assert.Throws<InvalidOperationException>(() => Copy(source, new[] { b, c }, "198.18.0.51", "198.18.0.52"));

            Assert.Contains("web was not paused: hostC cannot make the clone's namespace /run/netns/web-2: there is no bridge br0", ex.Message);
            Assert.DoesNotContain(source.Did, d => d.StartsWith("checkpoint-save.sh", StringComparison.Ordinal));
            Assert.DoesNotContain("Build", b.Net.Steps);
        }

        [Fact]
        public void An_address_another_machine_answers_for_is_refused_before_the_pause()
        {
            var source = new Host("hostA", FakeNetworkHost.Sample());
            var b = new Host("hostB");
            b.Net.InUse!.Add("198.18.0.51 02:aa:bb:cc:dd:ee");

            var ex = Assert.Throws<InvalidOperationException>(() => Copy(source, new[] { b }, "198.18.0.51"));

            Assert.Contains("on hostB's LAN, 198.18.0.51 is already in use (by 02:aa:bb:cc:dd:ee); choose another -Address", ex.Message);
            Assert.DoesNotContain(source.Did, d => d.StartsWith("checkpoint-save.sh", StringComparison.Ordinal));
        }

        [Fact]
        public void Addresses_that_would_share_a_MAC_are_refused_before_the_pause()
        {
            var source = new Host("hostA", FakeNetworkHost.Sample());

            var ex = Assert.Throws<ArgumentException>(() => Copy(source, new[] { new Host("hostB"), new Host("hostC") }, "198.18.0.51", "10.18.0.51/24"));

            Assert.Contains("the MAC 02:4c:4d:12:00:33", ex.Message);
            Assert.Empty(source.Did);
        }

        [Fact]
        public void A_failed_restore_removes_the_clones_namespace_and_leaves_the_others()
        {
            var source = new Host("hostA", FakeNetworkHost.Sample());
            var (b, c) = (new Host("hostB"), new Host("hostC"));
            c.RestoreFails = true;

            var results = Copy(source, new[] { b, c }, "198.18.0.51", "198.18.0.52");

            Assert.Equal(new[] { CloneStatus.Running, CloneStatus.Failed }, results.Select(r => r.Status));
            Assert.Equal(new[] { "Check", "AddressesInUse", "Build", "Remove" }, c.Net.Steps);
            Assert.Equal(new[] { "Check", "AddressesInUse", "Build", "Announce" }, b.Net.Steps);
        }
    }
}
