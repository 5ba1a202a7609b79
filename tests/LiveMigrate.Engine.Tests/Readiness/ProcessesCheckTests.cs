using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class ProcessesCheckTests
    {
        private static List<ReadinessResult> Rows(params string[] records) =>
            Container(inspect: InspectOutput(records: records)).Judge().Rows(ContainerChecks.Processes, Src);

        private static ReadinessResult One(params string[] records) => Assert.Single(Rows(records));

        [Fact]
        public void Nothing_criu_cannot_carry_passes()
        {
            One().Is(ReadinessStatus.Pass, "2 process(es)");
        }

        [Fact]
        public void A_terminal_fails()
        {
            One("fd 4242 0 tty /dev/pts/3").Is(ReadinessStatus.Fail, "Process 4242 has a terminal open (fd 0 -> /dev/pts/3)", "process.terminal false");
        }

        [Fact]
        public void A_host_file_on_stdio_asks_for_dev_null_and_on_another_fd_for_a_bind_mount()
        {
            One("fd 4242 2 hostfile /var/log/web.err").Is(ReadinessStatus.Fail, "fd 2 -> /var/log/web.err", "</dev/null");
            var other = One("fd 4250 7 hostfile /var/log/web.log").Is(ReadinessStatus.Fail, "fd 7 -> /var/log/web.log", "Bind-mount the file's folder");
            Assert.DoesNotContain("</dev/null", other.Remedy);
        }

        [Fact]
        public void Established_tcp_connections_pass_as_carried_when_the_namespace_is_rebuilt()
        {
            // Given's config.json names its network namespace by a path.
            One("tcp 0100007F:1F90 0100007F:A2C4", "tcp 0100007F:1F90 0100007F:A2C5")
                .Is(ReadinessStatus.Pass, "2 established TCP connection(s), e.g. 127.0.0.1:8080 <-> 127.0.0.1:41668, are carried (--tcp-established)");
        }

        [Fact]
        public void Established_tcp_connections_in_a_namespace_runc_makes_pass_saying_how_they_move()
        {
            var config = Config.Replace("{\"type\":\"network\",\"path\":\"/var/run/netns/web\"}", "{\"type\":\"network\"}");
            var e = Container(config: config, inspect: InspectOutput(config: config, records: new[] { "tcp 0100007F:1F90 0100007F:A2C4" }));
            Assert.Single(e.Judge().Rows(ContainerChecks.Processes, Src))
                .Is(ReadinessStatus.Pass, "the namespace runc makes for the container moves whole, lo brought up before CRIU restores them");
        }

        [Fact]
        public void File_locks_pass_as_carried()
        {
            One("lock 4250 POSIX", "lock 4242 FLOCK").Is(ReadinessStatus.Pass, "2 file lock(s), e.g. a POSIX lock of process 4250, are carried (--file-locks)");
        }

        [Fact]
        public void Stopped_tasks_pass_as_carried_stopped()
        {
            // Refused before: the dump hung in CRIU's seize of a task both stopped and frozen (stopped-tasks.sh now lets it).
            One("task 4250 stopped 0", "task 4251 stopped 0").Is(ReadinessStatus.Pass, "Process 4250 is stopped (SIGSTOP) (2 such processes): carried stopped");
        }

        [Theory]
        [InlineData(MigrationMode.PreCopy, ReadinessStatus.Fail)]
        [InlineData(null, ReadinessStatus.Warn)]
        [InlineData(MigrationMode.Stop, ReadinessStatus.Skipped)]
        [InlineData(MigrationMode.PostCopy, ReadinessStatus.Skipped)]
        public void Stopped_tasks_hold_pre_copy_back_whose_rounds_freeze_the_container_under_criu(MigrationMode? mode, ReadinessStatus expected)
        {
            // A pre-dump round's CRIU freezes the running container itself: its seize of the stopped task would never return.
            var e = Container(request: new ReadinessRequest { Mode = mode }, inspect: InspectOutput(records: new[] { "task 4250 stopped 0" }));
            e.Judge().Rows(HostChecks.PreCopy, Src).Single(r => r.Detail.StartsWith("Process 4250 is stopped", System.StringComparison.Ordinal))
                .Is(expected, "pre-copy's rounds cannot take it", "-Mode Stop or PostCopy");
        }

        [Fact]
        public void Traced_and_stray_tasks_fail_each_with_its_fix()
        {
            var rows = Rows("task 4260 traced 4300", "task 4270 outside 1");
            Assert.Equal(2, rows.Count);
            rows[0].Is(ReadinessStatus.Fail, "Process 4260 is traced by process 4300", "Detach the tracer");
            rows[1].Is(ReadinessStatus.Fail, "Process 4270 is not in the tree of the container's init (its parent 1 is outside", "not with runc exec");
        }

        [Fact]
        public void External_unix_sockets_fail()
        {
            One("unix 88123 88124 /run/agent.sock").Is(ReadinessStatus.Fail, "1 UNIX socket(s) connected to a process outside the container (e.g. /run/agent.sock, peer inode 88124)", "--ext-unix-sk");
        }

        [Fact]
        public void A_periodic_timerfd_warns_that_it_may_come_back_disarmed()
        {
            One("timerfd 4250 3", "timerfd 4251 5").Is(ReadinessStatus.Warn, "Process 4250 has a periodic timerfd (fd 3; 2 in all)", "re-arms its timers");
        }

        [Fact]
        public void Unchecked_unix_sockets_warn()
        {
            One("unix_unchecked=ss or nsenter is missing").Is(ReadinessStatus.Warn, "ss or nsenter is missing", "iproute2");
        }

        [Fact]
        public void Every_problem_is_its_own_row()
        {
            var rows = Rows("fd 4242 0 tty /dev/pts/3", "fd 4242 2 hostfile /tmp/e", "tcp 0100007F:1F90 0100007F:A2C4", "lock 4250 POSIX", "unix 1 2 /s");

            Assert.Equal(3, rows.Count(r => r.Status == ReadinessStatus.Fail));
            Assert.Equal(2, rows.Count(r => r.Status == ReadinessStatus.Pass && r.Detail.Contains("are carried")));
        }
    }
}
