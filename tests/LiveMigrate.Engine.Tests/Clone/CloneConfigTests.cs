using System;
using System.Text.Json.Nodes;
using LiveMigrate.Clone;
using Xunit;

namespace LiveMigrate.Tests.Clone
{
    /// <summary>A clone's config.json: its own cgroup, its own network namespace, and CRIU's options for its restore.</summary>
    public sealed class CloneConfigTests
    {
        private const string Config = @"{
  ""ociVersion"": ""1.0.2-dev"",
  ""process"": { ""args"": [""/bin/sh"", ""/start-net.sh""] },
  ""linux"": {
    ""cgroupsPath"": ""/livemigrate/web"",
    ""namespaces"": [ { ""type"": ""pid"" }, { ""type"": ""network"", ""path"": ""/run/netns/web"" }, { ""type"": ""mount"" } ]
  }
}";

        private static JsonNode Parse(string json) => JsonNode.Parse(json)!;

        [Fact]
        public void A_service_clone_gets_its_cgroup_namespace_and_CRIU_configuration()
        {
            var c = Parse(CloneConfig.ForClone(Config, "web", "web-1", "/run/netns/web-1", "/var/lib/livemigrate/containers/web-1/criu-clone.conf"));

            Assert.Equal("/livemigrate/web-1", (string)c["linux"]!["cgroupsPath"]!);
            Assert.Equal("/run/netns/web-1", (string)c["linux"]!["namespaces"]![1]!["path"]!);
            Assert.Equal("pid", (string)c["linux"]!["namespaces"]![0]!["type"]!);
            Assert.Equal("/var/lib/livemigrate/containers/web-1/criu-clone.conf", (string)c["annotations"]!["org.criu.config"]!);
            Assert.Equal("/start-net.sh", (string)c["process"]!["args"]![1]!);
        }

        [Fact]
        public void Without_a_network_only_the_cgroup_changes()
        {
            var c = Parse(CloneConfig.ForClone(Config, "web", "web-1", null, null));

            Assert.Equal("/livemigrate/web-1", (string)c["linux"]!["cgroupsPath"]!);
            Assert.Equal("/run/netns/web", (string)c["linux"]!["namespaces"]![1]!["path"]!);
            Assert.Null(c["annotations"]);
        }

        [Fact]
        public void A_cgroup_path_not_ending_in_the_name_gets_the_clones_name_appended()
        {
            var c = Parse(CloneConfig.ForClone(Config.Replace("/livemigrate/web\"", "/system.slice/svc\""), "web", "web-1", null, null));

            Assert.Equal("/system.slice/svc-web-1", (string)c["linux"]!["cgroupsPath"]!);
        }

        [Fact]
        public void The_originals_own_annotations_stay_and_its_CRIU_configuration_is_replaced_for_the_restore()
        {
            var withOwn = Config.Replace("\"ociVersion\"", "\"annotations\": { \"org.criu.config\": \"/etc/web-criu.conf\", \"team\": \"shop\" },\n  \"ociVersion\"");

            var c = Parse(CloneConfig.ForClone(withOwn, "web", "web-1", "/run/netns/web-1", "/b/criu-clone.conf"));

            Assert.Equal("/b/criu-clone.conf", (string)c["annotations"]!["org.criu.config"]!);
            Assert.Equal("shop", (string)c["annotations"]!["team"]!);
            Assert.Equal("/etc/web-criu.conf", CloneConfig.OriginalCriuConfig(withOwn));
        }

        [Fact]
        public void What_CRIU_read_for_the_original_follows_runcs_rule()
        {
            Assert.Equal("/etc/criu/runc.conf", CloneConfig.OriginalCriuConfig(Config));
            Assert.Null(CloneConfig.OriginalCriuConfig(Config.Replace("\"ociVersion\"", "\"annotations\": { \"org.criu.config\": \"\" },\n  \"ociVersion\"")));
        }

        [Fact]
        public void The_restore_closes_connections_and_skips_in_flight_ones()
        {
            Assert.Equal(new[] { "tcp-close", "skip-in-flight" }, CloneConfig.RestoreCriuOptions.Trim().Split('\n'));
        }

        [Fact]
        public void A_config_without_a_network_namespace_cannot_take_one()
        {
            var ex = Assert.Throws<InvalidOperationException>(() => CloneConfig.ForClone(Config.Replace("\"network\"", "\"uts\""), "web", "web-1", "/run/netns/web-1", null));

            Assert.Contains("names no network namespace", ex.Message);
        }

        [Fact]
        public void A_deeply_nested_config_is_refused()
        {
            var deep = "{\"a\":" + new string('[', 200) + new string(']', 200) + "}";

            Assert.ThrowsAny<Exception>(() => CloneConfig.ForClone(deep, "web", "web-1", null, null));
        }
    }
}
