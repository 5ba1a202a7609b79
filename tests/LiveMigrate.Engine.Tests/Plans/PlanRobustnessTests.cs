using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>Any value of any shape in any place is reported as a problem, never thrown.</summary>
    public sealed class PlanRobustnessTests
    {
        private static readonly string[] Valid =
        {
            "version: 1",
            "hosts:",
            "  lm1:",
            "    address: root@10.0.0.1",
            "    port: 22",
            "    keyPath: k",
            "  lm2:",
            "    address: 10.0.0.2",
            "defaults:",
            "  mode: Stop",
            "  throttle: 2",
            "  failurePolicy: continue",
            "  criuTimeoutSec: 60",
            "  keepImages: true",
            "  hooks:",
            "    PreCheckpoint:",
            "      on: source",
            "      run: [sync]",
            "      timeoutSec: 5",
            "waves:",
            "  - name: w",
            "    throttle: 1",
            "    migrations:",
            "      - name: m",
            "        container: c",
            "        from: lm1",
            "        to: lm2",
            "        mode: PostCopy",
        };

        public static IEnumerable<object[]> Replacements()
        {
            var valueLines = Valid.Select((line, i) => (line, i)).Where(l => Regex.IsMatch(l.line, @":\s*\S")).Select(l => l.i);
            foreach (var i in valueLines)
            {
                foreach (var value in new[] { "{ x: 1 }", "[ ]", "[ a, { b: 2 } ]", "~", "\"\"", "-1", "99999999999", "yes" })
                {
                    yield return new object[] { i, value };
                }
            }
        }

        [Fact]
        public void The_base_plan_is_valid()
        {
            Assert.Empty(PlanFiles.Parse(Valid).Problems);
        }

        [Theory]
        [MemberData(nameof(Replacements))]
        public void A_value_of_another_shape_is_a_problem_on_its_line_not_an_exception(int line, string value)
        {
            var lines = (string[])Valid.Clone();
            lines[line] = Regex.Replace(lines[line], @":\s*\S.*$", ": " + value);
            var result = PlanFiles.Parse(lines);
            if (result.IsValid)
            {
                // Only a plain word can be right, where any text is (a key path or name of "yes" or "-1").
                Assert.Contains(value, new[] { "-1", "99999999999", "yes" });
                return;
            }
            Assert.Contains(result.Errors, e => e.Line == line + 1);
        }
    }
}
