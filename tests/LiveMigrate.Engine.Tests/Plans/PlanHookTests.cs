using LiveMigrate.Hooks;
using System;
using System.IO;
using System.Linq;
using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>Hooks: argument vectors on a host or scripts beside the plan, inherited stage by stage.</summary>
    public sealed class PlanHookTests
    {
        private static PlanLoadResult WithMigrationHooks(string path, params string[] hookLines)
        {
            var lines = new[]
            {
                "version: 1",
                "hosts: { lm1: { address: a }, lm2: { address: b } }",
                "defaults:",
                "  hooks:",
                "    PreCheckpoint: { on: source, run: [sync] }",
                "    OnFailure: { on: source, run: [logger, failed] }",
                "waves:",
                "  - name: w",
                "    migrations:",
                "      - container: web",
                "        from: lm1",
                "        to: lm2",
                "        hooks:",
            }.Concat(hookLines.Select(l => "          " + l));
            return MigrationPlanLoader.Parse(string.Join("\n", lines) + "\n", path);
        }

        [Fact]
        public void A_migration_inherits_the_default_hooks_of_the_stages_it_does_not_name()
        {
            var plan = WithMigrationHooks(PlanFiles.PlanPath,
                "PreCheckpoint:",
                "  - { on: source, run: [systemctl, stop, web-proxy], timeoutSec: 30 }",
                "  - { on: destination, run: [mkdir, -p, /srv/web] }").Plan!;
            var hooks = plan.Migrations.Single().Hooks.Cast<PlanCommandHook>().ToList();
            Assert.Equal(3, hooks.Count);
            Assert.Equal((HookPoint.PreCheckpoint, HookHost.Source, "systemctl stop web-proxy", 30.0),
                (hooks[0].Stage, hooks[0].Command.On, string.Join(" ", hooks[0].Command.Arguments), hooks[0].Command.Timeout.TotalSeconds));
            Assert.Equal((HookHost.Destination, 60.0), (hooks[1].Command.On, hooks[1].Command.Timeout.TotalSeconds));
            Assert.Equal((HookPoint.OnFailure, "logger failed"), (hooks[2].Stage, string.Join(" ", hooks[2].Command.Arguments)));
        }

        [Fact]
        public void A_shell_string_is_refused_with_the_argument_list_as_the_fix()
        {
            var error = PlanFiles.SingleError(WithMigrationHooks(PlanFiles.PlanPath, "PostRestore: { on: destination, run: curl -f http://web/health }"),
                PlanProblemCodes.WrongType, 14, 48);
            Assert.Contains("never through a shell", error.Message);
            Assert.Contains("run: [curl, -f, http://web/health]", error.Fix);
        }

        [Fact]
        public void An_unknown_stage_is_an_unknown_key_with_the_nearest_stage()
        {
            var error = PlanFiles.SingleError(WithMigrationHooks(PlanFiles.PlanPath, "PreRestor: { on: destination, run: [true] }"), PlanProblemCodes.UnknownKey, 14, 11);
            Assert.StartsWith("Did you mean 'PreRestore'?", error.Fix);
        }

        [Fact]
        public void A_hook_on_a_third_side_is_invalid()
        {
            PlanFiles.SingleError(WithMigrationHooks(PlanFiles.PlanPath, "PreRestore: { on: both, run: [true] }"), PlanProblemCodes.InvalidValue, 14, 29);
        }

        [Fact]
        public void A_hook_that_is_both_a_script_and_a_command_is_a_conflict()
        {
            using var dir = new TempDirectory();
            File.WriteAllText(dir.File("check.ps1"), "$true");
            var result = WithMigrationHooks(dir.File("plan.yaml"), "PreRestore: { script: check.ps1, run: [true] }");
            var error = Assert.Single(result.Errors);
            Assert.Equal((PlanProblemCodes.ConflictingSetting, 14, 44), (error.Code, error.Line, error.Column));
        }

        [Fact]
        public void A_script_is_found_beside_the_plan_file()
        {
            using var dir = new TempDirectory();
            Directory.CreateDirectory(dir.File("hooks"));
            File.WriteAllText(dir.File("hooks/check.ps1"), "$true");
            var plan = WithMigrationHooks(dir.File("plan.yaml"), "PostRestore: { script: hooks/check.ps1 }").Plan!;
            var script = Assert.IsType<PlanScriptHook>(plan.Migrations.Single().Hooks.Single(h => h.Stage == HookPoint.PostRestore));
            Assert.Equal(Path.Combine(dir.Path, "hooks", "check.ps1"), script.ScriptPath);
        }

        [Fact]
        public void A_script_that_does_not_exist_is_reported_with_its_full_path()
        {
            using var dir = new TempDirectory();
            var result = WithMigrationHooks(dir.File("plan.yaml"), "PostRestore: { script: hooks/missing.ps1 }");
            var error = Assert.Single(result.Errors);
            Assert.Equal((PlanProblemCodes.ScriptNotFound, 14, 34), (error.Code, error.Line, error.Column));
            Assert.Contains(Path.Combine(dir.Path, "hooks", "missing.ps1"), error.Message);
        }

        [Fact]
        public void A_script_that_is_not_powershell_is_refused()
        {
            PlanFiles.SingleError(WithMigrationHooks(PlanFiles.PlanPath, "PostRestore: { script: check.sh }"), PlanProblemCodes.InvalidValue, 14, 34);
        }

        [Fact]
        public void A_secret_argument_names_a_secret_to_read_when_the_hook_runs_and_shows_as_stars()
        {
            var plan = WithMigrationHooks(PlanFiles.PlanPath,
                "PostRestore: { on: destination, run: [curl, -H, { secret: lb-token, vault: ops }, http://lb/add/web] }").Plan!;
            var hook = plan.Migrations.Single().Hooks.OfType<PlanCommandHook>().Single(h => h.Stage == HookPoint.PostRestore);

            var secret = Assert.Single(hook.Secrets);
            Assert.Equal((2, "lb-token", "ops"), (secret.Key, secret.Value.Name, secret.Value.Vault));
            Assert.Equal("on the destination: curl -H '***' http://lb/add/web", hook.Command.ToString());
            Assert.Equal("Bearer x", hook.Command.WithSecrets(new System.Collections.Generic.Dictionary<int, string> { [2] = "Bearer x" }).Arguments[2]);
        }

        [Theory]
        [InlineData("{ secret: lb-token, value: hunter2 }", PlanProblemCodes.UnknownKey)]
        [InlineData("{ vault: ops }", PlanProblemCodes.MissingKey)]
        [InlineData("{ secret: [a] }", PlanProblemCodes.WrongType)]
        public void A_secret_argument_of_another_shape_is_a_problem_that_does_not_echo_values(string argument, string code)
        {
            var result = WithMigrationHooks(PlanFiles.PlanPath, $"PostRestore: {{ on: destination, run: [curl, {argument}] }}");
            var error = Assert.Single(result.Errors);
            Assert.Equal(code, error.Code);
            Assert.DoesNotContain("hunter2", error.Message + error.Fix);
        }
    }
}
