using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;
using static LiveMigrate.Tests.Fakes.FakeHostSession;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>The page guard as RuncHost sends and runs it, and the daemons stopped without it.</summary>
    public sealed class RuncHostPageGuardTests : IDisposable
    {
        private const string Images = "/var/lib/livemigrate/images/web-1";
        private readonly string _program = Path.GetTempFileName();
        private readonly RuntimeOptions _options;

        public RuncHostPageGuardTests()
        {
            File.WriteAllBytes(_program, new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 2, 3 });
            _options = new RuntimeOptions { RuncPath = "/usr/sbin/runc", CriuPath = "/usr/sbin/criu", PageGuardPath = _program };
        }

        public void Dispose() => File.Delete(_program);

        private static string Remote(byte[] program) => "/var/lib/livemigrate/bin/" + PageGuard.RemoteName(program);

        [Fact]
        public void Sends_the_program_named_after_its_content_only_to_a_host_that_lacks_it()
        {
            var uploads = new MemoryStream();
            var lacking = new FakeHostSession(c => Exit(c.Arguments[0] == "test" ? 1 : 0), _ => new FakeProcess(Stream.Null, uploads, Exit(0)));
            new RuncHost(lacking, _options).InstallPageGuard(default);

            var upload = lacking.Started.Single();
            Assert.Equal(new[] { "sh", "/var/lib/livemigrate/bin", Remote(File.ReadAllBytes(_program)) }, new[] { upload.Arguments[0] }.Concat(upload.Arguments.Skip(4)));
            Assert.Equal(File.ReadAllBytes(_program), uploads.ToArray());

            var having = new FakeHostSession(_ => Exit(0), _ => throw new InvalidOperationException("nothing is sent to a host that has it"));
            var host = new RuncHost(having, _options);
            host.InstallPageGuard(default);
            host.InstallPageGuard(default);
            Assert.Single(having.Runs);  // checked once per host
        }

        [Fact]
        public void A_missing_program_is_named_with_how_to_build_it()
        {
            var host = new RuncHost(new FakeHostSession(_ => Exit(0)), new RuntimeOptions { PageGuardPath = "/nowhere/page-guard" });

            var ex = Assert.Throws<InvalidOperationException>(() => host.InstallPageGuard(default));

            Assert.Contains("/nowhere/page-guard", ex.Message);
            Assert.Contains("build.ps1 Build", ex.Message);
        }

        [Fact]
        public void Runs_the_lazy_pages_daemon_under_the_guard_for_the_container()
        {
            var daemon = new FakeProcess(Stream.Null, Stream.Null, Exit(0));
            var session = new FakeHostSession(_ => Exit(0), _ => daemon);

            Assert.Same(daemon, new RuncHost(session, _options).StartLazyPages("web", Images, 27000));

            var args = session.Started.Single().Arguments;
            // Fetching from a page port, the daemon is a page client: the only kind the port's guard admits.
            Assert.Equal(new[] { Remote(File.ReadAllBytes(_program)), Images, "/usr/sbin/runc", "web", "--" }.Concat(
                LiveMigrate.Transfer.PageClients.As(new[] { "/usr/sbin/criu", "lazy-pages" })), args.Take(11));
            Assert.Contains("27000", args);
            Assert.Contains("timeout", session.Started.Single().ToShellString());
        }

        [Fact]
        public void Stopping_the_daemons_kills_the_daemon_and_spares_its_guard()
        {
            if (!OperatingSystem.IsLinux()) return;
            var dir = "/tmp/lm-guard-test-" + Guid.NewGuid().ToString("N");
            // Stand-ins with the command lines of a daemon and of its guard (which holds the daemon's after " -- ").
            using var daemon = Process.Start("bash", new[] { "-c", "sleep 60; :", "daemon", "--images-dir", dir })!;
            using var guard = Process.Start("bash", new[] { "-c", "sleep 60; :", "guard", dir, "runc", "web", "--", "criu", "lazy-pages", "--images-dir", dir })!;
            try
            {
                Thread.Sleep(200);
                new RuncHost(new LocalHostSession(), _options).StopPageDaemons(dir, default);

                Assert.True(daemon.WaitForExit(5000), "the daemon was killed");
                Assert.False(guard.HasExited, "its guard is left to see the daemon go");
            }
            finally
            {
                if (!daemon.HasExited) daemon.Kill();
                if (!guard.HasExited) guard.Kill();
            }
        }
    }
}
