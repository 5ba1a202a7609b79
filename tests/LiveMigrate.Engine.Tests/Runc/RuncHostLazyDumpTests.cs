using System;
using System.IO;
using System.Linq;
using System.Text;
using LiveMigrate.Hosts;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;
using static LiveMigrate.Tests.Fakes.FakeHostSession;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>Post-copy's source side as RuncHost drives it: lazy-dump.sh's answers, and the lazy pages counted from the pagemaps.</summary>
    public sealed class RuncHostLazyDumpTests
    {
        private const string Images = "/var/lib/livemigrate/images/web-1";
        private static readonly RuntimeOptions Options = new RuntimeOptions { RuncPath = "/usr/sbin/runc", CriuTimeout = TimeSpan.FromSeconds(120) };

        private static FakeProcess Said(string stdout, int exit = 0, string stderr = "") =>
            new FakeProcess(new MemoryStream(Encoding.UTF8.GetBytes(stdout)), Stream.Null, Exit(exit, stderr: stderr));

        [Fact]
        public void Returns_the_running_dump_once_the_script_says_ready()
        {
            var dump = Said("ready\n");
            var session = new FakeHostSession(_ => Exit(0), _ => dump);

            var process = new RuncHost(session, Options).StartLazyCheckpoint("web", Images, 21000, default);

            Assert.Same(dump, process);
            Assert.False(dump.Disposed);
            var started = session.Started.Single();
            Assert.Equal(new[] { "dump", "/usr/sbin/runc", "web", Images, "21000", "livemigrate-pages" }, started.Arguments.Skip(started.Arguments.Count - 6));
            Assert.Contains("lazy-dump.sh", started.Arguments);
            // CRIU's environment travels with it; the host ends the dump if no controller is left to.
            Assert.Contains("CRIU_FAULT=130", started.ToShellString());
            Assert.Contains("timeout", started.ToShellString());
        }

        [Fact]
        public void A_dump_that_fails_before_ready_says_why_with_the_script_s_words()
        {
            var session = new FakeHostSession(_ => Exit(0, "(00.1) Error (criu/cr-dump.c:1): Dumping FAILED."),
                _ => Said("error=runc pause web failed\n", 1, "container not running"));

            var ex = Assert.Throws<RuntimeCommandException>(() => new RuncHost(session, Options).StartLazyCheckpoint("web", Images, 21000, default));

            Assert.Contains("runc pause web failed", ex.Message);
            Assert.Contains("container not running", ex.Message);
            Assert.DoesNotContain("case $cmd", ex.Message);  // the script's text is never the message
        }

        [Fact]
        public void Refuses_a_relative_image_folder_before_reaching_the_host()
        {
            var session = new FakeHostSession(_ => Exit(0), _ => Said("ready\n"));

            Assert.Throws<ArgumentException>(() => new RuncHost(session, Options).StartLazyCheckpoint("web", "images/web-1", 21000, default));
            Assert.Empty(session.Started);
        }

        [Fact]
        public void Counts_the_lazy_pages_of_every_pagemap_the_host_lists()
        {
            var one = Pagemaps();
            var session = new FakeHostSession(_ => Exit(0), _ => new FakeProcess(new MemoryStream(one), Stream.Null, Exit(0)));

            var pages = new RuncHost(session, Options).CountLazyPages(Images, default);

            Assert.Equal(16390 + 6, pages);
            Assert.Equal(Images, session.Started.Single().Arguments.Last());
        }

        /// <summary>The real pagemaps of PagemapTests, framed as the host lists them.</summary>
        private static byte[] Pagemaps()
        {
            var parent = PagemapTests.ParentImage;
            var child = PagemapTests.ChildImage;
            return Encoding.ASCII.GetBytes(parent.Length + "\n").Concat(parent).Concat(Encoding.ASCII.GetBytes(child.Length + "\n")).Concat(child).ToArray();
        }
    }
}
