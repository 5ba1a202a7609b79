using System;
using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    /// <summary>The proof of the quoting: a real /bin/sh parses the command line and printf gets the exact words.</summary>
    public sealed class ShellQuoteRoundTripTests
    {
        [Theory]
        [MemberData(nameof(HostileStrings.Data), MemberType = typeof(HostileStrings))]
        public void One_hostile_word_arrives_unchanged(string word)
        {
            var received = ShellRoundTrip.Echo(new[] { word });

            Assert.Single(received);
            ShellRoundTrip.AssertSameBytes(word, received[0]);
        }

        [Fact]
        public void All_hostile_words_in_one_command_keep_their_boundaries()
        {
            var received = ShellRoundTrip.Echo(HostileStrings.All);

            Assert.Equal(HostileStrings.All, received);
        }

        [Fact]
        public void Random_words_from_a_hostile_alphabet_arrive_unchanged()
        {
            const string alphabet = " \t\n'\"`$(){}[]|&;<>*?~#!\\=%+,-./:@^_abcXYZ019é中🚀";
            var elements = System.Globalization.StringInfo.GetTextElementEnumerator(alphabet);
            var symbols = new List<string>();
            while (elements.MoveNext()) symbols.Add((string)elements.Current);
            var rng = new Random(20261127);
            var words = Enumerable.Range(0, 300)
                .Select(_ => string.Concat(Enumerable.Range(0, rng.Next(0, 12)).Select(__ => symbols[rng.Next(symbols.Count)])))
                .ToArray();

            var received = ShellRoundTrip.Echo(words);

            Assert.Equal(words, received);
        }

        [Fact]
        public void Injection_attempts_do_not_run()
        {
            using var dir = new TempDirectory();
            var marker = dir.File("pwned");
            var attempts = new[] { $"; touch {marker}", $"$(touch {marker})", $"`touch {marker}`", $"| touch {marker}", $"&& touch {marker}", $"\ntouch {marker}" };

            var received = ShellRoundTrip.Echo(attempts);

            Assert.Equal(attempts, received);
            Assert.False(System.IO.File.Exists(marker), "a quoted word was executed by the shell");
        }
    }
}
