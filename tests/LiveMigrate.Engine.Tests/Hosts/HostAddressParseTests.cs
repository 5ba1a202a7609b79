using System;
using LiveMigrate.Hosts;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    public sealed class HostAddressParseTests
    {
        [Theory]
        [InlineData("root@10.1.2.3:2222", "root", "10.1.2.3", 2222)]
        [InlineData("10.1.2.3", "root", "10.1.2.3", 22)]
        [InlineData("lm1", "root", "lm1", 22)]
        [InlineData("admin@host.example.com", "admin", "host.example.com", 22)]
        [InlineData("host-1.example_x:1", "root", "host-1.example_x", 1)]
        [InlineData("h:65535", "root", "h", 65535)]
        [InlineData("h:00022", "root", "h", 22)]
        [InlineData("[::1]:22", "root", "::1", 22)]
        [InlineData("[::1]", "root", "::1", 22)]
        [InlineData("user@[fe80::1]:2200", "user", "fe80::1", 2200)]
        [InlineData("[2001:db8::7]:2222", "root", "2001:db8::7", 2222)]
        [InlineData("[fe80::1%eth0]:22", "root", "fe80::1%eth0", 22)]
        [InlineData("  root@10.1.2.3:2222  ", "root", "10.1.2.3", 2222)]
        [InlineData("deploy.bot@h", "deploy.bot", "h", 22)]
        public void Parses(string text, string user, string host, int port)
        {
            var a = HostAddress.Parse(text);

            Assert.Equal((user, host, port), (a.UserName, a.HostName, a.Port));
        }

        [Theory]
        [InlineData("h:0")]
        [InlineData("h:65536")]
        [InlineData("h:99999")]
        [InlineData("root@[::1]:0")]
        public void Refuses_a_port_out_of_range(string text)
        {
            Assert.False(HostAddress.TryParse(text, out var a, out var error));
            Assert.Null(a);
            Assert.Contains("a port is between 1 and 65535", error);
        }

        [Theory]
        [InlineData("h:abc")]
        [InlineData("h:")]
        [InlineData("h:123456")]
        [InlineData("h:-1")]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData(null)]
        [InlineData("@host")]
        [InlineData("user@")]
        [InlineData("a@b@c")]
        [InlineData("::1")]
        [InlineData("[::1")]
        [InlineData("[host name]")]
        [InlineData("host name")]
        [InlineData("host;rm -rf /")]
        [InlineData("$(id)")]
        [InlineData("hôte")]
        [InlineData("h:22:22")]
        [InlineData("us er@h")]
        public void Refuses_garbage(string? text)
        {
            Assert.False(HostAddress.TryParse(text, out var a, out var error));
            Assert.Null(a);
            Assert.Contains("[user@]host[:port]", error);
        }

        [Fact]
        public void Parse_throws_a_FormatException_with_the_same_explanation()
        {
            var ex = Assert.Throws<FormatException>(() => HostAddress.Parse("h:0"));
            Assert.Contains("port 0", ex.Message);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(65536)]
        [InlineData(-22)]
        public void Constructor_refuses_a_port_out_of_range(int port)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new HostAddress("h", port));
        }

        [Theory]
        [InlineData("", "root")]
        [InlineData(" ", "root")]
        [InlineData("h", "")]
        [InlineData("h", " ")]
        public void Constructor_refuses_empty_names(string host, string user)
        {
            Assert.Throws<ArgumentException>(() => new HostAddress(host, 22, user));
        }

        [Theory]
        [InlineData("198.18.0.1", "admin@198.18.0.1:22")]
        [InlineData("198.18.0.1:2200", "admin@198.18.0.1:2200")]
        [InlineData("mover@198.18.0.1", "mover@198.18.0.1:22")]
        public void A_link_address_takes_the_main_address_user_unless_it_names_one(string text, string expected)
        {
            Assert.True(HostAddress.TryParseLink(text, HostAddress.Parse("admin@10.0.0.1:2222"), out var link, out _));
            Assert.Equal(expected, link!.ToString());
        }
    }
}
