using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveMigrate.Plans;
using Xunit;

namespace LiveMigrate.Tests.Support
{
    /// <summary>Plan text to validate, and assertions on the problems found in it.</summary>
    internal static class PlanFiles
    {
        public static readonly string Folder = Path.Combine(Path.GetTempPath(), "lm-plan-tests");
        public static readonly string PlanPath = Path.Combine(Folder, "plan.yaml");

        /// <summary>The YAML of the lines given, as a file at <see cref="PlanPath"/> would hold it.</summary>
        public static PlanLoadResult Parse(params string[] lines) =>
            MigrationPlanLoader.Parse(string.Join("\n", lines) + "\n", PlanPath);

        /// <summary>A valid two-host plan with <paramref name="waveLines"/> as its waves: section.</summary>
        public static PlanLoadResult WithWaves(params string[] waveLines) =>
            Parse(new[]
            {
                "version: 1",                                   // 1
                "hosts:",                                       // 2
                "  lm1: { address: root@127.77.0.1:2222 }",     // 3
                "  lm2: { address: root@127.77.0.2:2222 }",     // 4
                "  lm3: { address: root@127.77.0.3:2222 }",     // 5
                "waves:",                                       // 6
            }.Concat(waveLines).ToArray());

        /// <summary>Waves of migrations lm1 -> lm2 whose containers are named after the wave: first-1, first-2...</summary>
        public static IReadOnlyList<PlanWave> Waves(params (string Name, int Throttle, string Policy, int Count)[] waves)
        {
            var lines = new List<string> { "version: 1", "hosts: { lm1: { address: a }, lm2: { address: b } }", "waves:" };
            foreach (var (name, throttle, policy, count) in waves)
            {
                lines.Add($"  - {{ name: {name}, throttle: {throttle}, failurePolicy: {policy}, migrations: [");
                lines.AddRange(Enumerable.Range(1, count).Select(i => $"      {{ container: {name}-{i}, from: lm1, to: lm2 }},"));
                lines.Add("    ] }");
            }
            var result = Parse(lines.ToArray());
            Assert.True(result.IsValid, string.Join("\n", result.Problems));
            return result.Plan!.Waves;
        }

        /// <summary>Asserts that the only error is <paramref name="code"/> at the line and column given, and returns it.</summary>
        public static PlanProblem SingleError(PlanLoadResult result, string code, int line, int column)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal((code, line, column), (error.Code, error.Line, error.Column));
            Assert.Equal(PlanPath, error.File);
            Assert.False(string.IsNullOrWhiteSpace(error.Fix));
            Assert.Null(result.Plan);
            return error;
        }
    }
}
