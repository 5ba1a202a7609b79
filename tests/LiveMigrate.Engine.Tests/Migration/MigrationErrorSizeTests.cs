using System;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>
    /// Every migration error is something a person reads: the failed command named by its name and arguments,
    /// what it said cut to its start and end, under 1 KB. The faults are the messages the real code builds for
    /// a host command or script that failed with a long error output.
    /// </summary>
    public sealed class MigrationErrorSizeTests : IDisposable
    {
        private const int Readable = 1024;
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        private static readonly string Chatter = string.Concat(Enumerable.Repeat("tar: var/lib/containers/web/rootfs/usr/lib/x: Cannot open: Connection reset by peer\n", 500));

        /// <summary>What the engine hears when a script fails on a host (HostScript.Run's message).</summary>
        private static string ScriptFailure(string script, params string[] args)
        {
            var host = new FakeHostSession(_ => FakeHostSession.Exit(255, stderr: Chatter));
            return Assert.Throws<InvalidOperationException>(() => HostScript.Run(host, HostScript.Command(script, args), TimeSpan.FromSeconds(1), CancellationToken.None)).Message;
        }

        /// <summary>What the engine hears when a plain command fails (CommandFailedException.FromResult's message).</summary>
        private static string CommandFailure(params string[] args) =>
            CommandFailedException.FromResult("root@10.0.0.5:22", new CommandLine(args), FakeHostSession.Exit(1, stderr: Chatter)).Message;

        [Fact]
        public void A_failed_checkpoint_reads_in_under_1_KB()
        {
            _s.Source.FailOn(HostOp.Checkpoint, CommandFailure("runc", "checkpoint", "--leave-running", "--image-path", "/var/lib/livemigrate/images/web-1", "web"));

            AssertReadable(_s.MigrateFailing());
        }

        [Fact]
        public void A_transfer_cut_in_the_middle_reads_in_under_1_KB_and_names_the_script_not_its_text()
        {
            _s.Transport.FailureMessage = ScriptFailure("link-source.sh", "send", "/run/livemigrate/links/m1", "-", "var/lib/livemigrate/images/web-1", "var/lib/containers/web");

            var ex = _s.MigrateFailing();

            AssertReadable(ex);
            Assert.Contains("'link-source.sh send /run/livemigrate/links/m1 - var/lib/livemigrate/images/web-1 var/lib/containers/web'", ex.Message);
            Assert.DoesNotContain(HostScript.Text("link-source.sh").Split('\n')[0], ex.Message);
        }

        [Fact]
        public void A_failed_restore_reads_in_under_1_KB()
        {
            _s.Destination.FailOn(HostOp.Restore, CommandFailure("runc", "restore", "--detach", "--image-path", "/var/lib/livemigrate/images/web-1", "--bundle", "/var/lib/containers/web", "web"));

            AssertReadable(_s.MigrateFailing());
        }

        [Fact]
        public void A_failed_rollback_after_a_failed_transfer_reads_in_under_1_KB()
        {
            _s.Transport.FailureMessage = ScriptFailure("link-source.sh", "send", "/run/livemigrate/links/m1", "-", "var/lib/livemigrate/images/web-1");
            _s.Source.FailOn(HostOp.Resume, CommandFailure("runc", "resume", "web"));

            var ex = _s.MigrateFailing();

            Assert.NotNull(ex.RollbackError);
            AssertReadable(ex);
        }

        private static void AssertReadable(MigrationException ex)
        {
            foreach (var text in new[] { ex.Message, ex.Result.Error, ex.Result.RollbackError }.OfType<string>())
            {
                Assert.True(text.Length < Readable, $"{text.Length} characters: {text}");
                Assert.Contains("Cannot open: Connection reset by peer", text);
            }
        }
    }
}
