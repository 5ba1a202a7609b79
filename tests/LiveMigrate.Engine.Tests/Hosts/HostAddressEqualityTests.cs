using LiveMigrate.Hosts;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    public sealed class HostAddressEqualityTests
    {
        [Theory]
        [InlineData("10.1.2.3", "root@10.1.2.3:22")]
        [InlineData("Host.Example.COM", "host.example.com")]
        [InlineData("[FE80::1]:2200", "[fe80::1]:2200")]
        public void Equal_addresses_are_equal_and_hash_alike(string a, string b)
        {
            var x = HostAddress.Parse(a);
            var y = HostAddress.Parse(b);

            Assert.True(x.Equals(y));
            Assert.True(x.Equals((object)y));
            Assert.Equal(x.GetHashCode(), y.GetHashCode());
        }

        [Theory]
        [InlineData("h:22", "h:2222")]
        [InlineData("root@h", "admin@h")]
        [InlineData("Root@h", "root@h")]
        [InlineData("h1", "h2")]
        public void Different_addresses_differ(string a, string b)
        {
            Assert.False(HostAddress.Parse(a).Equals(HostAddress.Parse(b)));
        }

        [Fact]
        public void Not_equal_to_null_or_another_type()
        {
            var a = HostAddress.Parse("h");

            Assert.False(a.Equals(null));
            Assert.False(a.Equals((object)"root@h:22"));
        }
    }
}
