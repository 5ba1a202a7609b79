using LiveMigrate.Readiness.Facts;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class KeyValueLinesTests
    {
        private static readonly KeyValueLines Lines = new KeyValueLines(
            "a=1\r\na=2\nempty=\nvalue=has = and spaces\nrecord  with   spaces\nfd 1 2 tty /dev/pts/0\n\nn=-42\nbad=12x\n");

        [Fact]
        public void The_last_of_a_repeated_key_wins_and_all_are_kept()
        {
            Assert.Equal("2", Lines.Get("a"));
            Assert.Equal(new[] { "1", "2" }, Lines.All("a"));
        }

        [Fact]
        public void Empty_and_unknown_keys_are_absent()
        {
            Assert.Null(Lines.Get("empty"));
            Assert.Null(Lines.Get("nope"));
            Assert.Empty(Lines.All("nope"));
        }

        [Fact]
        public void A_value_keeps_equals_signs_and_spaces()
        {
            Assert.Equal("has = and spaces", Lines.Get("value"));
        }

        [Fact]
        public void Lines_whose_first_word_has_no_equals_sign_are_records()
        {
            Assert.Equal(2, Lines.Records.Count);
            Assert.Equal(new[] { "record", "with", "spaces" }, Lines.Records[0]);
            Assert.Equal(new[] { "fd", "1", "2", "tty", "/dev/pts/0" }, Lines.Records[1]);
        }

        [Fact]
        public void Long_reads_integers_only()
        {
            Assert.Equal(-42, Lines.Long("n"));
            Assert.Null(Lines.Long("bad"));
            Assert.Null(Lines.Long("empty"));
        }
    }
}
