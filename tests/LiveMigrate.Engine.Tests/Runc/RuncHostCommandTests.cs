using System;
using System.Linq;
using LiveMigrate.Commands;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;
using static LiveMigrate.Tests.Fakes.FakeHostSession;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>What RuncHost asks a host to run, and how it reads the answers.</summary>
    public sealed class RuncHostCommandTests
    {
        private static readonly RuntimeOptions Options = new RuntimeOptions { RuncPath = "/usr/sbin/runc", CriuTimeout = TimeSpan.FromSeconds(120) };

        private static (RuncHost host, FakeHostSession session) Host(Func<CommandLine, CommandResult> respond)
        {
            var session = new FakeHostSession(respond);
            return (new RuncHost(session, Options), session);
        }

        [Fact]
        public void State_reads_runc_state()
        {
            var (host, session) = Host(_ => Exit(0, "{\"id\":\"web\",\"pid\":7,\"status\":\"running\",\"bundle\":\"/b/c/web\"}"));

            var state = host.State("web", default);

            Assert.Equal(ContainerStatus.Running, state!.Status);
            Assert.Equal("/usr/sbin/runc state web", session.Runs.Single().command.ToShellString());
        }

        [Fact]
        public void State_is_null_when_runc_says_the_container_does_not_exist()
        {
            var (host, _) = Host(_ => Exit(1, stderr: "time=\"2026-11-27T23:40:39Z\" level=error msg=\"container does not exist\"\n"));

            Assert.Null(host.State("web", default));
        }

        [Fact]
        public void State_throws_on_any_other_failure()
        {
            var (host, _) = Host(_ => Exit(1, stderr: "permission denied"));

            var ex = Assert.Throws<CommandFailedException>(() => host.State("web", default));
            Assert.Contains("permission denied", ex.Message);
        }

        [Fact]
        public void An_invalid_name_never_reaches_the_host()
        {
            var (host, session) = Host(_ => Exit(0));

            Assert.Throws<ArgumentException>(() => host.State("web; reboot", default));
            Assert.Throws<ArgumentException>(() => host.Checkpoint("$(x)", "/var/lib/livemigrate/images/x", null, default));
            Assert.Throws<ArgumentException>(() => host.Delete("..", true, default));
            Assert.Empty(session.Runs);
        }

        [Fact]
        public void Checkpoint_runs_under_a_host_timeout_with_the_criu_environment()
        {
            var (host, session) = Host(cmd => cmd.Arguments.Count > 1 && cmd.Arguments[1] == "state" ? Exit(0, PausedWeb) : Exit(0));

            host.Checkpoint("web", "/var/lib/livemigrate/images/web-1", null, default);

            // CRIU's own configuration for what runc has no flag for, and the action script it names, sent once (before
            // the freeze) and found there now.
            var script = System.Text.Encoding.UTF8.GetBytes(HostScript.Text(CriuConfig.ActionScript));
            var scriptPath = "/var/lib/livemigrate/bin/" + CriuConfig.RemoteName("stopped-tasks", script, ".sh");
            var config = "/var/lib/livemigrate/bin/" + CriuConfig.RemoteName("criu", CriuConfig.Content(scriptPath), ".conf");
            Assert.Equal("test -x " + scriptPath, session.Runs[0].command.ToShellString());
            Assert.Equal("test -x " + config, session.Runs[1].command.ToShellString());
            // Frozen first, and left frozen: the source's copy waits there for a rollback or its deletion.
            Assert.Equal("/usr/sbin/runc pause web", session.Runs[2].command.ToShellString());
            var (command, timeout) = session.Runs[3];
            Assert.Equal(6, session.Runs.Count);
            Assert.Equal($"env 'CRIU_CONFIG_FILE={config}' 'CRIU_FAULT=130' timeout '--kill-after=5' 120 /usr/sbin/runc checkpoint --leave-running --tcp-established --file-locks --image-path /var/lib/livemigrate/images/web-1 --work-path /var/lib/livemigrate/images/web-1 web",
                command.ToShellString());
            Assert.Equal(TimeSpan.FromSeconds(130), timeout);
            // Then its network stays silent, which CRIU's own lock no longer keeps once the dump ended.
            Assert.Equal(new[] { "sh", "-c" }, session.Runs[5].command.Arguments.Take(2));
            Assert.Equal(new[] { "frozen-netlock.sh", "lock", "7" }, session.Runs[5].command.Arguments.Skip(3));
        }

        [Fact]
        public void The_criu_configuration_raises_the_ghost_file_limit()
        {
            // CRIU's default of 1 MiB fails the dump of a bigger file open after its last link was removed.
            Assert.Contains("\nghost-limit 1G\n", System.Text.Encoding.ASCII.GetString(CriuConfig.Content("/x/stopped-tasks-1.sh")));
        }

        [Fact]
        public void The_criu_configuration_names_the_action_script_that_lets_criu_seize_stopped_tasks()
        {
            // Without it, CRIU's seize of a task both stopped and frozen slept for ever in the kernel (ptrace_attach).
            Assert.EndsWith("\naction-script /var/lib/livemigrate/bin/stopped-tasks-1.sh\n",
                System.Text.Encoding.ASCII.GetString(CriuConfig.Content("/var/lib/livemigrate/bin/stopped-tasks-1.sh")));
        }

        private const string PausedWeb = "{\"id\":\"web\",\"pid\":7,\"status\":\"paused\",\"bundle\":\"/b/c/web\"}";

        [Fact]
        public void Resume_lifts_the_network_lock_and_stops_again_continued_tasks_before_it_thaws()
        {
            var (host, session) = Host(cmd => cmd.Arguments.Count > 1 && cmd.Arguments[1] == "state" ? Exit(0, PausedWeb) : Exit(0));

            host.Resume("web", default);

            Assert.Equal(new[] { "frozen-netlock.sh", "unlock", "7" }, session.Runs[1].command.Arguments.Skip(3));
            // Still frozen, a task a dump continued and left so (its CRIU killed) is stopped again before it can run.
            Assert.Equal(new[] { "stopped-tasks.sh", "restop", "7" }, session.Runs[2].command.Arguments.Skip(3));
            Assert.Equal("/usr/sbin/runc resume web", session.Runs[3].command.ToShellString());
        }

        [Fact]
        public void Restore_detaches_with_no_inherited_stdio()
        {
            var (host, session) = Host(_ => Exit(0));

            host.Restore("web", "/var/lib/containers/web", "/var/lib/livemigrate/images/web-1", default);

            Assert.EndsWith("/usr/sbin/runc restore --detach --tcp-established --file-locks --image-path /var/lib/livemigrate/images/web-1 --work-path /var/lib/livemigrate/images/web-1 --bundle /var/lib/containers/web web </dev/null >/dev/null",
                session.Runs.Single().command.ToShellString());
        }

        [Theory]
        [InlineData(0, true)]
        [InlineData(1, false)]
        public void Exists_reads_the_exit_code_of_test(int code, bool expected)
        {
            var (host, session) = Host(_ => Exit(code));

            Assert.Equal(expected, host.Exists("/a b/c", default));
            Assert.Equal("test -e '/a b/c'", session.Runs.Single().command.ToShellString());
        }

        [Fact]
        public void Exists_throws_when_test_itself_fails()
        {
            var (host, _) = Host(_ => Exit(2, stderr: "test: missing argument"));

            Assert.Throws<CommandFailedException>(() => host.Exists("/x/y", default));
        }

        [Theory]
        [InlineData("/")]
        [InlineData("/var")]
        [InlineData("/var/lib")]
        [InlineData("/var/lib/")]
        [InlineData("var/lib/containers/web")]
        [InlineData("/var/lib/../containers")]
        [InlineData("/var/lib/containers/-web")]
        [InlineData("")]
        public void RemoveTree_refuses_shallow_or_unclean_paths(string path)
        {
            var (host, session) = Host(_ => Exit(0));

            Assert.Throws<ArgumentException>(() => host.RemoveTree(path, default));
            Assert.Empty(session.Runs);
        }

        [Fact]
        public void RemoveTree_stays_on_one_file_system()
        {
            var (host, session) = Host(_ => Exit(0));

            host.RemoveTree("/var/lib/containers/web", default);

            Assert.Equal("rm -rf --one-file-system -- /var/lib/containers/web", session.Runs.Single().command.ToShellString());
        }

        [Theory]
        [InlineData("relative/dir")]
        [InlineData("/")]
        [InlineData("/a/./b")]
        public void CreateDirectory_refuses_unclean_paths(string path)
        {
            var (host, session) = Host(_ => Exit(0));

            Assert.Throws<ArgumentException>(() => host.CreateDirectory(path, default));
            Assert.Empty(session.Runs);
        }
    }
}
