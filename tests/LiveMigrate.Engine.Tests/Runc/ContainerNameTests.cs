using System;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>runc's rule: ^[\w+-\.]+$ in Go syntax (ASCII \w; "+-\." is the range '+'..'.', so + , - .), not "." or "..".</summary>
    public sealed class ContainerNameTests
    {
        [Theory]
        [InlineData("web")]
        [InlineData("Web_01")]
        [InlineData("a.b")]
        [InlineData("a-b")]
        [InlineData("a+b")]
        [InlineData("a,b")]
        [InlineData("...")]
        [InlineData(".hidden")]
        [InlineData("_")]
        [InlineData("0")]
        [InlineData("+,-.")]
        [InlineData("a-")]
        public void Accepts_what_runc_accepts(string name)
        {
            Assert.True(ContainerName.IsValid(name));
            Assert.Equal(name, ContainerName.Validate(name));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData(".")]
        [InlineData("..")]
        [InlineData("a/b")]
        [InlineData("../x")]
        [InlineData("a b")]
        [InlineData(" web")]
        [InlineData("$(x)")]
        [InlineData("`x`")]
        [InlineData("a;b")]
        [InlineData("a*b")]
        [InlineData("a'b")]
        [InlineData("a\tb")]
        [InlineData("a\nb")]
        [InlineData("a\0b")]
        [InlineData("a:b")]
        [InlineData("a@b")]
        [InlineData("a=b")]
        [InlineData("a%b")]
        [InlineData("é")]
        [InlineData("web中文")]
        [InlineData("ｗｅｂ")]
        [InlineData("٣")]
        [InlineData("🚀")]
        [InlineData("\u212A")] // KELVIN SIGN, which case-insensitive matching would fold to 'k'
        [InlineData("-leading-dash")] // runc accepts it, but every program it is handed to would read an option
        [InlineData("--help")]
        [InlineData("-")]
        public void Refuses_everything_else(string? name)
        {
            Assert.False(ContainerName.IsValid(name));
            var ex = Assert.Throws<ArgumentException>(() => ContainerName.Validate(name));
            Assert.Equal("name", ex.ParamName);
        }

        [Theory]
        [InlineData("web\n")]
        [InlineData("\n")]
        public void Refuses_a_trailing_newline(string name)
        {
            // Go's $ (without the m flag) matches only at the very end; .NET's $ also matches before a final "\n".
            Assert.False(ContainerName.IsValid(name));
        }

        [Fact]
        public void Refuses_a_name_longer_than_the_limit()
        {
            Assert.True(ContainerName.IsValid(new string('a', ContainerName.MaxLength)));
            Assert.False(ContainerName.IsValid(new string('a', ContainerName.MaxLength + 1)));
        }

        [Fact]
        public void The_message_says_what_is_allowed()
        {
            var ex = Assert.Throws<ArgumentException>(() => ContainerName.Validate("a b"));

            Assert.Contains("'a b' is not a valid container name", ex.Message);
            Assert.Contains("ASCII letters, digits and _ + , - .", ex.Message);
        }

        [Fact]
        public void The_message_says_why_a_leading_dash_is_refused() =>
            Assert.Contains("must not begin with '-'", Assert.Throws<ArgumentException>(() => ContainerName.Validate("-rf")).Message);
    }
}
