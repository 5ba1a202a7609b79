using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>Rules across the plan: hosts that exist, two different hosts, unique names, valid container names.</summary>
    public sealed class PlanReferenceErrorTests
    {
        [Fact]
        public void An_unknown_host_lists_the_defined_ones_and_suggests_the_nearest()
        {
            var error = PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - { container: web, from: lm1, to: lm4 }",
                "      - { container: db, from: lm2, to: lm3 }"), PlanProblemCodes.UnknownHost, 9, 42);
            Assert.Equal("'to' in migration 'web' in wave 'first' names host 'lm4', which the plan does not define (hosts: lm1, lm2, lm3).", error.Message);
            Assert.StartsWith("Did you mean 'lm1'?", error.Fix);
        }

        [Fact]
        public void From_and_to_the_same_host_is_refused()
        {
            var error = PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - { container: web, from: lm1, to: lm1 }",
                "      - { container: db, from: lm2, to: lm3 }"), PlanProblemCodes.SameHost, 9, 42);
            Assert.Contains("are both 'lm1'", error.Message);
        }

        [Fact]
        public void Two_host_names_for_one_address_are_the_same_host()
        {
            var result = PlanFiles.Parse(
                "version: 1",
                "hosts:",
                "  a: { address: root@10.0.0.1:22 }",
                "  b: { address: 10.0.0.1 }",
                "waves: [ { name: w, migrations: [ { container: c, from: a, to: b } ] } ]");
            var error = PlanFiles.SingleError(result, PlanProblemCodes.SameHost, 5, 64);
            Assert.Contains("'a' and 'b', both root@10.0.0.1:22", error.Message);
        }

        [Fact]
        public void A_migration_name_used_twice_across_waves_is_reported_at_the_second()
        {
            var error = PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - { container: web, from: lm1, to: lm2 }",
                "      - { container: db, from: lm1, to: lm3 }",
                "  - name: second",
                "    migrations:",
                "      - { container: web, from: lm2, to: lm3 }"), PlanProblemCodes.DuplicateMigrationName, 13, 22);
            Assert.Contains("'web' is used twice in the plan (first at line 9)", error.Message);
            Assert.Contains("named after its container", error.Message);
            Assert.Contains("name: web-second", error.Fix);
        }

        [Fact]
        public void An_explicit_name_used_twice_is_reported_at_the_name()
        {
            PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - { name: move, container: web, from: lm1, to: lm2 }",
                "      - { name: move, container: db, from: lm1, to: lm3 }"), PlanProblemCodes.DuplicateMigrationName, 10, 17);
        }

        [Fact]
        public void The_same_container_twice_in_a_wave_is_reported_once()
        {
            var error = PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - { container: web, from: lm1, to: lm2 }",
                "      - { name: web2, container: web, from: lm1, to: lm3 }"), PlanProblemCodes.DuplicateContainerInWave, 10, 34);
            Assert.Contains("'web' is migrated twice in wave 'first' (first at line 9)", error.Message);
        }

        [Fact]
        public void A_wave_name_used_twice_is_reported()
        {
            var error = PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations: [ { container: web, from: lm1, to: lm2 } ]",
                "  - name: first",
                "    migrations: [ { container: db, from: lm1, to: lm3 } ]"), PlanProblemCodes.DuplicateWaveName, 9, 11);
            Assert.Contains("'first' is used twice (first at line 7)", error.Message);
        }

        [Theory]
        [InlineData("\"a b\"")]
        [InlineData("../etc")]
        [InlineData("\"$(reboot)\"")]
        [InlineData("..")]
        public void A_container_name_runc_refuses_is_reported(string container)
        {
            var error = PlanFiles.SingleError(PlanFiles.WithWaves(
                "  - name: first",
                "    migrations:",
                "      - { name: m, container: " + container + ", from: lm1, to: lm2 }",
                "      - { container: db, from: lm1, to: lm3 }"), PlanProblemCodes.InvalidContainerName, 9, 31);
            Assert.Contains("is not a valid container name", error.Message);
        }

        [Fact]
        public void A_host_no_migration_uses_is_a_warning_and_the_plan_still_loads()
        {
            var result = PlanFiles.WithWaves(
                "  - name: first",
                "    migrations: [ { container: web, from: lm1, to: lm2 } ]");
            var warning = Assert.Single(result.Problems);
            Assert.Equal((PlanProblemCodes.UnusedHost, PlanProblemSeverity.Warning, 5, 3), (warning.Code, warning.Severity, warning.Line, warning.Column));
            Assert.True(result.IsValid);
        }

        [Fact]
        public void Every_problem_is_found_in_one_pass()
        {
            var result = PlanFiles.Parse(
                "version: 1",
                "hosts:",
                "  lm1: { address: root@127.77.0.1:2222, password: hunter2 }",
                "  lm2: { address: root@127.77.0.2:2222, port: seventy }",
                "defaults: { throttle: 0, mode: Fast }",
                "waves:",
                "  - name: first",
                "    migrations:",
                "      - { container: web, from: lm1, to: lm9 }",
                "      - { container: web, from: lm1, to: lm2 }",
                "  - name: first",
                "    migrations:",
                "      - { container: \"a b\", from: lm2, to: lm2, mode: Stop, colour: red }");
            Assert.Equal(new[]
            {
                (PlanProblemCodes.PlainPassword, 3, 41),
                (PlanProblemCodes.WrongType, 4, 47),
                (PlanProblemCodes.OutOfRange, 5, 23),
                (PlanProblemCodes.InvalidValue, 5, 32),
                (PlanProblemCodes.UnknownHost, 9, 42),
                (PlanProblemCodes.DuplicateContainerInWave, 10, 22),
                (PlanProblemCodes.DuplicateWaveName, 11, 11),
                (PlanProblemCodes.InvalidContainerName, 13, 22),
                (PlanProblemCodes.SameHost, 13, 44),
                (PlanProblemCodes.UnknownKey, 13, 61),
            }, System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(result.Problems, p => (p.Code, p.Line, p.Column))));
        }
    }
}
