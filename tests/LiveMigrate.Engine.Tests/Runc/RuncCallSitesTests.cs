using System.IO;
using System.Linq;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>runc is run through RuncRuntime only, and the host-side scripts that run it themselves say why.</summary>
    public sealed class RuncCallSitesTests
    {
        private const string Reason = "runc is run here, not through RuncRuntime:";

        [Fact]
        public void Only_RuncRuntime_reads_runc_s_path()
        {
            var readers = Directory.GetFiles(RepositoryFiles.Path("src"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
                .Where(f => File.ReadAllText(f).Contains(".RuncPath"))
                .Select(f => Path.GetFileName(f)).OrderBy(f => f).ToList();

            Assert.Equal(new[] { "RuncRuntime.cs" }, readers);
        }

        [Fact]
        public void The_scripts_that_run_runc_are_those_that_must_and_each_says_why()
        {
            var scripts = Directory.GetFiles(RepositoryFiles.Path("src/LiveMigrate.Engine"), "*.sh", SearchOption.AllDirectories)
                .Where(f => File.ReadAllText(f).Contains("\"$runc\"")).ToList();

            Assert.Equal(new[] { "canary.sh", "checkpoint-save.sh", "host-facts.sh", "lazy-dump.sh" }, scripts.Select(Path.GetFileName).OrderBy(f => f));
            Assert.All(scripts, s => Assert.Contains(Reason, File.ReadAllText(s)));
        }
    }
}
