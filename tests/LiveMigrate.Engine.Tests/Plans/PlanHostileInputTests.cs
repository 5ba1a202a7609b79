using System;
using System.Diagnostics;
using System.Linq;
using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>A plan built to exhaust the reader is refused within a second, with a problem, never a crash.</summary>
    public sealed class PlanHostileInputTests
    {
        /// <summary>Ten aliases of the anchor above, nine levels deep: 10^9 values once expanded, in about 700 bytes.</summary>
        public static string AliasBomb()
        {
            var lines = new[] { "version: 1", "hosts:", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]" }
                .Concat(Enumerable.Range(1, 9).Select(i => $"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]"))
                .Concat(new[] { "waves: []" });
            return string.Join("\n", lines) + "\n";
        }

        private static PlanLoadResult Timed(string text)
        {
            var clock = Stopwatch.StartNew();
            var result = MigrationPlanLoader.Parse(text, PlanFiles.PlanPath);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
            return result;
        }

        [Fact]
        public void Aliases_of_aliases_nine_deep_are_refused_as_too_large()
        {
            var text = AliasBomb();
            Assert.True(text.Length < 1024, $"{text.Length} bytes");

            var error = Assert.Single(Timed(text).Errors);

            Assert.Equal(PlanProblemCodes.TooLarge, error.Code);
            Assert.Equal(PlanFiles.PlanPath, error.File);
            Assert.InRange(error.Line, 4, 12);
            Assert.Contains("aliases", error.Message);
            Assert.False(string.IsNullOrWhiteSpace(error.Fix));
        }

        [Theory]
        [InlineData("[", 100_000)]
        [InlineData("{a: ", 100_000)]
        [InlineData("- ", 20_000)]
        public void Nesting_far_past_any_plan_is_refused_where_it_gets_too_deep(string opener, int times)
        {
            var text = string.Concat(Enumerable.Repeat(opener, times));

            var error = Assert.Single(Timed(text).Errors);

            Assert.Equal(PlanProblemCodes.TooDeep, error.Code);
            Assert.Equal((1, 1 + YamlDepthLimit * opener.Length), (error.Line, error.Column));
            Assert.False(string.IsNullOrWhiteSpace(error.Fix));
        }

        private const int YamlDepthLimit = LiveMigrate.Plans.Loading.YamlTreeReader.MaxDepth;

        [Fact]
        public void A_few_aliases_of_small_values_are_still_followed()
        {
            var result = PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - container: web",
                "        from: &src lm1",
                "        to: &dst lm2",
                "      - container: db",
                "        from: *src",
                "        to: *dst");
            Assert.True(result.IsValid, string.Join("\n", result.Problems));
        }
    }
}
