using System.Linq;
using LiveMigrate.Commands;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>Every script the engine runs on hosts is embedded and parses as POSIX shell.</summary>
    public sealed class ScriptSyntaxTests
    {
        private static readonly string[] Names =
        {
            "canary.sh", "container-inspect.sh", "container-net.sh", "cpuinfo-check.sh", "cpuinfo-dump.sh", "host-facts.sh", "paths-check.sh", "memory-sample.sh",
            "checkpoint-save.sh", "checkpoint-expand.sh", "link-source.sh", "link-destination.sh", "frozen-netlock.sh", "lazy-dump.sh", "page-server.sh", "port-guard.sh", "tree-unpack.sh", "stopped-tasks.sh",
        };

        public static TheoryData<string> Scripts => new TheoryData<string>(Names);

        [Theory]
        [MemberData(nameof(Scripts))]
        public void Is_embedded_and_passes_sh_n(string name)
        {
            using var dir = new TempDirectory();
            var path = dir.File(name);
            System.IO.File.WriteAllText(path, HostScript.Text(name));

            ExternalTool.Run("sh", "-n", path);
        }

        [Fact]
        public void The_list_above_is_every_embedded_script()
        {
            var embedded = typeof(HostScript).Assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(HostScript.ResourcePrefix)).Select(n => n.Substring(HostScript.ResourcePrefix.Length));

            Assert.Equal(Names.OrderBy(n => n), embedded.OrderBy(n => n));
        }

        [Fact]
        public void A_script_that_is_not_embedded_is_named_in_the_error()
        {
            var ex = Assert.Throws<System.IO.FileNotFoundException>(() => HostScript.Text("nope.sh"));
            Assert.Contains("nope.sh", ex.Message);
        }
    }
}
