using System;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    public sealed class RuncJsonStateTests
    {
        // As printed by runc 1.1.5 `runc state probe` (indented, owner empty).
        private const string Running = """
            {
              "ociVersion": "1.0.2-dev",
              "id": "probe",
              "pid": 11783,
              "status": "running",
              "bundle": "/tmp/lmprobe/bundle",
              "rootfs": "/tmp/lmprobe/bundle/rootfs",
              "created": "2026-11-27T23:40:55.004954323Z",
              "owner": ""
            }

            """;

        [Fact]
        public void Reads_the_state()
        {
            var s = RuncJson.ParseState(Running, "root@127.77.0.1:2222");

            Assert.Equal(("probe", ContainerStatus.Running, 11783, "/tmp/lmprobe/bundle", "root@127.77.0.1:2222"),
                (s.Name, s.Status, s.Pid, s.Bundle, s.Host));
            var expected = new DateTimeOffset(2026, 11, 27, 23, 40, 55, TimeSpan.Zero).AddTicks(49543);
            Assert.InRange((s.Created!.Value - expected).Ticks, 0, 1);
        }

        [Theory]
        [InlineData("creating", ContainerStatus.Creating)]
        [InlineData("created", ContainerStatus.Created)]
        [InlineData("running", ContainerStatus.Running)]
        [InlineData("paused", ContainerStatus.Paused)]
        [InlineData("stopped", ContainerStatus.Stopped)]
        [InlineData("Running", ContainerStatus.Unknown)]
        [InlineData("checkpointed", ContainerStatus.Unknown)]
        [InlineData(null, ContainerStatus.Unknown)]
        public void Maps_runc_status_words(string? word, ContainerStatus expected)
        {
            Assert.Equal(expected, RuncJson.ParseStatus(word));
        }

        [Fact]
        public void A_stopped_container_has_pid_zero()
        {
            var s = RuncJson.ParseState("{\"id\":\"web\",\"pid\":0,\"status\":\"stopped\",\"bundle\":\"/b\"}", "h");

            Assert.Equal((ContainerStatus.Stopped, 0), (s.Status, s.Pid));
        }

        [Theory]
        [InlineData("")]
        [InlineData("null")]
        [InlineData("[]")]
        [InlineData("[{\"id\":\"web\"}]")]
        [InlineData("container does not exist")]
        [InlineData("{\"pid\":1}")]
        [InlineData("{\"id\":\"web\",")]
        public void Garbage_is_a_FormatException(string output)
        {
            Assert.Throws<FormatException>(() => RuncJson.ParseState(output, "h"));
        }
    }
}
