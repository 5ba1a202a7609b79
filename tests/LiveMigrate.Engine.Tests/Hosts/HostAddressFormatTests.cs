using LiveMigrate.Hosts;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    public sealed class HostAddressFormatTests
    {
        [Theory]
        [InlineData("10.1.2.3", "10.1.2.3")]
        [InlineData("root@10.1.2.3:22", "10.1.2.3")]
        [InlineData("10.1.2.3:2222", "[10.1.2.3]:2222")]
        [InlineData("[::1]:22", "::1")]
        [InlineData("[::1]:2222", "[::1]:2222")]
        [InlineData("user@[fe80::1]:2200", "[fe80::1]:2200")]
        public void KnownHostsName_is_bare_for_port_22_and_bracketed_otherwise(string text, string expected)
        {
            Assert.Equal(expected, HostAddress.Parse(text).KnownHostsName);
        }

        [Theory]
        [InlineData("10.1.2.3", "root@10.1.2.3:22")]
        [InlineData("u@h:2222", "u@h:2222")]
        [InlineData("[::1]", "root@[::1]:22")]
        [InlineData("user@[fe80::1]:2200", "user@[fe80::1]:2200")]
        public void ToString_is_complete_and_parses_back(string text, string expected)
        {
            var a = HostAddress.Parse(text);

            Assert.Equal(expected, a.ToString());
            Assert.Equal(a, HostAddress.Parse(a.ToString()));
        }
    }
}
