using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>What is not YAML, or not one plain YAML document, is reported where YamlDotNet found it.</summary>
    public sealed class PlanSyntaxErrorTests
    {
        [Fact]
        public void A_block_mapping_indented_wrong_is_a_syntax_error_at_its_line()
        {
            var error = PlanFiles.SingleError(PlanFiles.Parse(
                "version: 1",
                "hosts:",
                "  lm1:",
                "    address: a",
                "   port: 22"), PlanProblemCodes.YamlSyntax, 5, 4);
            Assert.Contains("did not find expected key", error.Message);
            Assert.Contains("indentation", error.Fix);
        }

        [Fact]
        public void An_unclosed_quote_is_a_syntax_error_where_the_value_starts()
        {
            var error = PlanFiles.SingleError(PlanFiles.Parse("version: 1", "hosts: \"lm1"), PlanProblemCodes.YamlSyntax, 2, 8);
            Assert.Contains("quoted scalar", error.Message);
        }

        [Fact]
        public void An_unclosed_flow_list_is_a_syntax_error_at_its_bracket()
        {
            // YamlDotNet's scanner throws without a position here; the open bracket is the place to look.
            var error = PlanFiles.SingleError(PlanFiles.Parse("version: 1", "waves: [1, 2", "hosts: 3"), PlanProblemCodes.YamlSyntax, 2, 8);
            Assert.Contains("[ or {", error.Message);
        }

        [Fact]
        public void An_empty_file_is_reported()
        {
            var result = MigrationPlanLoader.Parse("", PlanFiles.PlanPath);
            PlanFiles.SingleError(result, PlanProblemCodes.EmptyPlan, 1, 1);
        }

        [Fact]
        public void A_second_document_is_reported_at_its_marker()
        {
            var result = PlanFiles.Parse("version: 1", "---", "version: 1");
            var error = Assert.Single(result.Errors, e => e.Code == PlanProblemCodes.MultipleDocuments);
            Assert.Equal((2, 1), (error.Line, error.Column));
        }

        [Fact]
        public void A_duplicate_key_is_reported_at_the_second_one_and_names_the_first()
        {
            var error = PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    throttle: 1",
                "    migrations:",
                "      - { container: web, from: lm1, to: lm2 }",
                "      - { container: db, from: lm1, to: lm3 }",
                "    throttle: 2"), PlanProblemCodes.DuplicateKey, 12, 5);
            Assert.Contains("'throttle' appears twice", error.Message);
            Assert.Contains("line 8, column 5", error.Message);
        }

        [Fact]
        public void An_alias_without_an_anchor_is_reported()
        {
            var error = Assert.Single(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - { container: web, from: *nowhere, to: lm2 }").Errors, e => e.Code == PlanProblemCodes.UnknownAlias);
            Assert.Equal((9, 33), (error.Line, error.Column));
            Assert.Contains("*nowhere", error.Message);
        }

        [Fact]
        public void Anchors_and_aliases_are_followed()
        {
            var result = PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - &web { container: web, from: lm1, to: lm2 }",
                "  - name: second",
                "    migrations:",
                "      - { container: web, name: web-back, from: lm2, to: lm3 }",
                "      - { container: db, from: lm1, to: lm3 }");
            Assert.True(result.IsValid, string.Join("\n", result.Problems));
        }
    }
}
