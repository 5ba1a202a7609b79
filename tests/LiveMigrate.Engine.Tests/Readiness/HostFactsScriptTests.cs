using System;
using System.IO;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>host-facts.sh run by a real /bin/sh (no runc or CRIU named): its write probe in the image folder.</summary>
    public sealed class HostFactsScriptTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void The_write_probe_never_follows_a_link_planted_at_its_name()
        {
            var images = Directory.CreateDirectory(_dir.File("images")).FullName;
            var victim = _dir.File("victim");
            File.WriteAllText(victim, "keep");
            // exec keeps the pid, so the script's $$ is the one the link was planted for (the old probe's name).
            var planted = "ln -s \"$2\" \"$1/.livemigrate-write-probe.$$\" && exec sh -c \"$3\" host-facts.sh /nonexistent/runc /nonexistent/criu \"$1\"";

            var result = new LocalHostSession().Run(new CommandLine("sh", "-c", planted, "sh", images, victim, HostScript.Text("host-facts.sh")),
                TimeSpan.FromSeconds(60), CancellationToken.None);

            Assert.Equal("keep", File.ReadAllText(victim));
            var facts = HostFacts.Parse(result.StandardOutput);
            Assert.True(facts.WriteBytesPerSecond > 0, result.StandardOutput);
            Assert.Single(Directory.GetFileSystemEntries(images));
        }
    }
}
