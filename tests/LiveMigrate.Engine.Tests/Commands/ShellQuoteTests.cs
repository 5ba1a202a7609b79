using System;
using LiveMigrate.Commands;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    public sealed class ShellQuoteTests
    {
        [Theory]
        [InlineData("runc")]
        [InlineData("/var/lib/livemigrate/images/web-1")]
        [InlineData("--image-path")]
        [InlineData("a.b_c-d:e,f@g%h+i")]
        public void Safe_words_stay_bare_for_readable_logs(string word)
        {
            Assert.Equal(word, ShellQuote.Quote(word));
        }

        [Theory]
        [InlineData("", "''")]
        [InlineData("a b", "'a b'")]
        [InlineData("it's", "'it'\\''s'")]
        [InlineData("'", "''\\'''")]
        [InlineData("$(x)", "'$(x)'")]
        [InlineData("é", "'é'")]
        [InlineData("~", "'~'")]
        [InlineData("CRIU_FAULT=130", "'CRIU_FAULT=130'")]
        public void Other_words_are_single_quoted_with_quotes_escaped(string word, string expected)
        {
            Assert.Equal(expected, ShellQuote.Quote(word));
        }

        [Theory]
        [InlineData("\0")]
        [InlineData("a\0b")]
        [InlineData("trailing\0")]
        public void A_NUL_character_is_refused(string word)
        {
            var ex = Assert.Throws<ArgumentException>(() => ShellQuote.Quote(word));
            Assert.Contains("NUL", ex.Message);
        }

        [Fact]
        public void A_NUL_in_any_argument_makes_the_command_line_throw()
        {
            var cmd = new CommandLine("printf", "%s", "ok", "bad\0word");

            Assert.Throws<ArgumentException>(() => cmd.ToShellString());
        }

        [Fact]
        public void Null_is_refused()
        {
            Assert.Throws<ArgumentNullException>(() => ShellQuote.Quote(null!));
        }

        [Fact]
        public void Join_separates_quoted_words_with_single_spaces()
        {
            Assert.Equal("runc delete --force 'my container' ''", ShellQuote.Join(new[] { "runc", "delete", "--force", "my container", "" }));
        }
    }
}
