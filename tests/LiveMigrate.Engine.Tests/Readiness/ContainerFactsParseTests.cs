using System;
using LiveMigrate.Readiness.Facts;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>ContainerFacts from the lines container-inspect.sh echoes.</summary>
    public sealed class ContainerFactsParseTests
    {
        [Fact]
        public void Reads_sizes_pids_and_the_config_json()
        {
            var f = ContainerFacts.Parse(Given.InspectOutput(memKb: 300, bundleKb: 7));

            Assert.Equal(new[] { 4242, 4250 }, f.Pids);
            Assert.Equal(300L * 1024, f.MemoryBytes);
            Assert.Equal(7L * 1024, f.BundleBytes);
            Assert.Equal(Given.Config, f.ConfigJson);
            Assert.Empty(f.Terminals);
            Assert.Empty(f.HostFiles);
            Assert.Empty(f.TcpConnections);
            Assert.Empty(f.FileLocks);
            Assert.Empty(f.ExternalUnixSockets);
            Assert.Null(f.UnixSocketsUnchecked);
        }

        [Fact]
        public void Reads_each_kind_of_record()
        {
            var f = ContainerFacts.Parse(Given.InspectOutput(records: new[]
            {
                "fd 4242 0 tty /dev/pts/3",
                "fd 4250 2 hostfile /tmp/my logs/err.txt",
                "tcp 0100007F:1F90 0100007F:A2C4",
                "lock 4250 POSIX",
                "unix 88123 88124 /run/agent.sock",
                "unix 88125 88126",
                "unix_unchecked=ss or nsenter is missing",
            }));

            Assert.Equal((4242, 0, "/dev/pts/3"), Assert.Single(f.Terminals));
            Assert.Equal((4250, 2, "/tmp/my logs/err.txt"), Assert.Single(f.HostFiles));
            Assert.Equal(("127.0.0.1:8080", "127.0.0.1:41668"), Assert.Single(f.TcpConnections));
            Assert.Equal((4250, "POSIX"), Assert.Single(f.FileLocks));
            Assert.Equal(new[] { ("88123", "88124", "/run/agent.sock"), ("88125", "88126", "*") }, f.ExternalUnixSockets);
            Assert.Equal("ss or nsenter is missing", f.UnixSocketsUnchecked);
        }

        [Fact]
        public void An_error_line_throws_with_its_text()
        {
            var ex = Assert.Throws<InvalidOperationException>(() => ContainerFacts.Parse("error=runc ps web listed no processes\n"));
            Assert.Equal("runc ps web listed no processes", ex.Message);
        }

        [Theory]
        [InlineData("0100007F:1F90", "127.0.0.1:8080")]
        [InlineData("00000000:0016", "0.0.0.0:22")]
        // 10.1.2.3 is stored as the bytes 0a 01 02 03, a little-endian word 0x0302010A.
        [InlineData("0302010A:01BB", "10.1.2.3:443")]
        // ::1: the last word holds the bytes 00 00 00 01, printed as the little-endian word 0x01000000.
        [InlineData("00000000000000000000000001000000:1F90", "[::1]:8080")]
        [InlineData("0000000000000000FFFF00000100007F:0050", "[::ffff:127.0.0.1]:80")]
        // 2001:db8::5 -> bytes 20 01 0d b8 | 0 | 0 | 00 00 00 05.
        [InlineData("B80D0120000000000000000005000000:FFFF", "[2001:db8::5]:65535")]
        public void Endpoint_decodes_proc_net_tcp_addresses(string hex, string expected)
        {
            Assert.Equal(expected, ContainerFacts.Endpoint(hex));
        }

        [Fact]
        public void Endpoint_leaves_what_is_not_address_and_port_as_it_is()
        {
            Assert.Equal("garbage", ContainerFacts.Endpoint("garbage"));
        }
    }
}
