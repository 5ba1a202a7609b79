using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>Values of the wrong type or range, unknown and missing keys, and the schema version.</summary>
    public sealed class PlanTypeErrorTests
    {
        private static PlanLoadResult OneWave(string waveSetting) => PlanFiles.WithWaves(
            "  - name: first",                                   // 7
            "    " + waveSetting,                                // 8
            "    migrations:",                                   // 9
            "      - { container: web, from: lm1, to: lm2 }",    // 10
            "      - { container: db, from: lm1, to: lm3 }");    // 11

        [Fact]
        public void A_throttle_in_words_is_the_wrong_type()
        {
            var error = PlanFiles.SingleError(OneWave("throttle: two"), PlanProblemCodes.WrongType, 8, 15);
            Assert.Contains("'throttle' in wave 'first' must be a whole number, not 'two'", error.Message);
            Assert.Contains("1 to 64", error.Fix);
        }

        [Fact]
        public void A_quoted_number_is_text_as_editors_see_it()
        {
            PlanFiles.SingleError(OneWave("throttle: \"2\""), PlanProblemCodes.WrongType, 8, 15);
        }

        [Fact]
        public void A_throttle_of_zero_is_out_of_range()
        {
            var error = PlanFiles.SingleError(OneWave("throttle: 0"), PlanProblemCodes.OutOfRange, 8, 15);
            Assert.Contains("is 0, outside 1 to 64", error.Message);
        }

        [Fact]
        public void A_misspelt_key_is_unknown_and_the_fix_names_the_nearest()
        {
            var error = PlanFiles.SingleError(OneWave("throtle: 2"), PlanProblemCodes.UnknownKey, 8, 5);
            Assert.Contains("Unknown key 'throtle' in wave 'first'", error.Message);
            Assert.StartsWith("Did you mean 'throttle'?", error.Fix);
        }

        [Fact]
        public void A_key_in_the_wrong_case_is_unknown_and_the_fix_names_the_right_spelling()
        {
            var error = PlanFiles.SingleError(OneWave("FailurePolicy: stop"), PlanProblemCodes.UnknownKey, 8, 5);
            Assert.StartsWith("Did you mean 'failurePolicy'?", error.Fix);
        }

        [Fact]
        public void A_key_like_none_lists_the_known_ones()
        {
            var error = PlanFiles.SingleError(OneWave("parallelism: 2"), PlanProblemCodes.UnknownKey, 8, 5);
            Assert.Equal("The keys in wave 'first' are: name, migrations, throttle, failurePolicy.", error.Fix);
        }

        [Fact]
        public void A_failure_policy_outside_the_enum_is_invalid_and_the_fix_suggests()
        {
            var error = PlanFiles.SingleError(OneWave("failurePolicy: rolback"), PlanProblemCodes.InvalidValue, 8, 20);
            Assert.Contains("must be one of stop, continue, rollback", error.Message);
            Assert.StartsWith("Did you mean 'rollback'?", error.Fix);
        }

        [Fact]
        public void A_boolean_in_words_is_the_wrong_type()
        {
            var result = PlanFiles.Parse(
                "version: 1",
                "defaults:",
                "  keepImages: yes",
                "hosts: { lm1: { address: a }, lm2: { address: b } }",
                "waves: [ { name: w, migrations: [ { container: c, from: lm1, to: lm2 } ] } ]");
            var error = PlanFiles.SingleError(result, PlanProblemCodes.WrongType, 3, 15);
            Assert.Contains("must be true or false, not 'yes'", error.Message);
        }

        [Fact]
        public void A_missing_required_key_is_reported_at_its_mapping()
        {
            var error = PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - { container: web, from: lm1 }",
                "      - { container: db, from: lm1, to: lm3 }"), PlanProblemCodes.MissingKey, 9, 9);
            Assert.Equal("The key 'to' is missing in migration 'web' in wave 'first'.", error.Message);
        }

        [Fact]
        public void Waves_must_be_a_list()
        {
            var error = PlanFiles.SingleError(PlanFiles.Parse(
                "version: 1",
                "hosts: { lm1: { address: a } }",
                "waves:",
                "  first: { migrations: [] }"), PlanProblemCodes.WrongType, 4, 3);
            Assert.Contains("'waves' must be a list, not a mapping", error.Message);
        }

        [Fact]
        public void A_missing_version_is_reported_and_the_rest_still_validated()
        {
            var result = PlanFiles.Parse(
                "hosts: { lm1: { address: a }, lm2: { address: b } }",
                "waves: [ { name: w, throttle: 0, migrations: [ { container: c, from: lm1, to: lm2 } ] } ]");
            Assert.Collection(result.Errors,
                e => Assert.Equal((PlanProblemCodes.MissingKey, 1, 1), (e.Code, e.Line, e.Column)),
                e => Assert.Equal((PlanProblemCodes.OutOfRange, 2, 31), (e.Code, e.Line, e.Column)));
        }

        [Fact]
        public void An_unknown_version_names_the_supported_ones_and_stops_there()
        {
            var error = PlanFiles.SingleError(PlanFiles.Parse("version: 2", "whatever: 1"), PlanProblemCodes.UnsupportedVersion, 1, 10);
            Assert.Contains("'version' is '2'; this LiveMigrate reads plan versions 1.", error.Message);
            Assert.Contains("version: 1", error.Fix);
        }

        [Fact]
        public void A_plan_that_is_a_list_is_the_wrong_type()
        {
            PlanFiles.SingleError(PlanFiles.Parse("- version: 1"), PlanProblemCodes.WrongType, 1, 1);
        }
    }
}
