using System;
using LiveMigrate.Hosts;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    /// <summary>user:password@host is refused wherever an address is read, and the refusal never repeats the password.</summary>
    public sealed class HostAddressPasswordTests
    {
        [Theory]
        [InlineData("root:hunter2@10.0.0.1")]
        [InlineData("root:hunter2@10.0.0.1:2222")]
        [InlineData("root:hun@ter2@[::1]:22")]
        [InlineData(":hunter2@host")]
        public void An_address_with_a_password_is_refused_without_echoing_it(string text)
        {
            Assert.False(HostAddress.TryParse(text, out var address, out var error));
            Assert.Null(address);
            Assert.Equal(HostAddress.PasswordRefusal, error);
            Assert.DoesNotContain("hunter2", error);
            Assert.DoesNotContain("hun@ter2", error);
            var thrown = Assert.Throws<FormatException>(() => HostAddress.Parse(text));
            Assert.DoesNotContain("hunter2", thrown.Message);
        }

        [Fact]
        public void A_user_name_with_a_password_is_refused_too()
        {
            var ex = Assert.Throws<ArgumentException>(() => new HostAddress("10.0.0.1", 22, "root:hunter2"));
            Assert.DoesNotContain("hunter2", ex.Message);
        }

        [Theory]
        [InlineData("root:hunter2@10.0.0.1:22", "root:***@10.0.0.1:22")]
        [InlineData("root:hun@ter2@h", "root:***@h")]
        [InlineData("root@[::1]:22", "root@[::1]:22")]
        [InlineData("[::1]:22", "[::1]:22")]
        [InlineData("h:22", "h:22")]
        public void An_address_as_typed_is_shown_without_its_password(string text, string shown)
        {
            Assert.Equal(shown, HostAddress.Redacted(text));
        }
    }
}
