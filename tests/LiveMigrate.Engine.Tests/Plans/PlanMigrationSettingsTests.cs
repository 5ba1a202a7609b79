using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Plans;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Support;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>A plan says what Move-Container's parameters say, with the same names in camelCase, in its defaults and per migration.</summary>
    public sealed class PlanMigrationSettingsTests
    {
        private static PlanLoadResult Load(string defaults, string migration) => PlanFiles.Parse(
            "version: 1",
            "hosts: { lm1: { address: a }, lm2: { address: b } }",
            "defaults: { " + defaults + " }",
            "waves: [ { name: w, migrations: [ { container: c, from: lm1, to: lm2" + (migration.Length > 0 ? ", " + migration : "") + " } ] } ]");

        private static MigrationRequest Request(string defaults, string migration = "")
        {
            var loaded = Load(defaults, migration);
            Assert.Empty(loaded.Problems);
            return loaded.Plan!.Migrations.Single().Request;
        }

        [Fact]
        public void Every_setting_of_the_defaults_reaches_the_migration_s_request()
        {
            var r = Request("mode: PostCopy, bundleSync: None, transferRoute: Relay, compress: Lz4, lazyRestore: true, streamMemory: false, keepImages: true, criuTimeoutSec: 42, " +
                            "imageRoot: /srv/lm/images, maxRounds: 7, minPagesWritten: 10, minShrinkPercent: 40, skipReadiness: true, force: true, " +
                            "maxDowntime: 2.5, rollbackOnHookFailure: true");

            Assert.Equal("c", r.Container!.Value);
            Assert.Equal((MigrationMode?)MigrationMode.PostCopy, r.Mode);
            Assert.Equal((BundleSync.None, TransferRoute.Relay, true, true, 42.0, "/srv/lm/images", true),
                (r.Options.BundleSync, r.Options.TransferRoute, r.Options.LazyRestore, r.Options.KeepImages, r.Options.Runtime.CriuTimeout.TotalSeconds, r.Options.ImageRoot, r.Options.RollbackOnHookFailure));
            Assert.Equal(StreamCompression.Lz4, r.Options.Compression);
            Assert.Equal(false, r.Options.StreamMemory);
            Assert.Equal((7, 10L, 40), (r.Options.PreCopy.MaxRounds, r.Options.PreCopy.MinPagesWritten, r.Options.PreCopy.MinShrinkPercent));
            Assert.Equal((true, true, (TimeSpan?)TimeSpan.FromSeconds(2.5)), (r.Readiness.Skip, r.Readiness.Force, r.Readiness.MaxDowntime));
        }

        [Fact]
        public void A_migration_overrides_the_defaults_and_leaves_the_other_migrations_alone()
        {
            var plan = PlanFiles.Parse(
                "version: 1",
                "hosts: { lm1: { address: a }, lm2: { address: b } }",
                "defaults: { bundleSync: None, maxRounds: 7, criuTimeoutSec: 42 }",
                "waves: [ { name: w, migrations: [ { container: c, from: lm1, to: lm2, bundleSync: Full, maxRounds: 2, criuTimeoutSec: 9 }, { container: d, from: lm1, to: lm2 } ] } ]").Plan!;
            var (c, d) = (plan.Migrations.First().Request, plan.Migrations.Last().Request);

            Assert.Equal((BundleSync.Full, 2, 9.0), (c.Options.BundleSync, c.Options.PreCopy.MaxRounds, c.Options.Runtime.CriuTimeout.TotalSeconds));
            Assert.Equal((BundleSync.None, 7, 42.0), (d.Options.BundleSync, d.Options.PreCopy.MaxRounds, d.Options.Runtime.CriuTimeout.TotalSeconds));
        }

        [Fact]
        public void Without_settings_a_migration_runs_as_Move_Container_runs_without_parameters()
        {
            var r = Request("throttle: 1");
            var move = new MigrationRequest(ContainerName.Parse("c"));

            Assert.Equal(move.Mode, r.Mode);
            Assert.Equal(move.Options.Compression, r.Options.Compression);
            Assert.Equal((move.Options.BundleSync, move.Options.TransferRoute, move.Options.ImageRoot, move.Options.PreCopy.MaxRounds, move.Readiness.Skip, move.Readiness.MaxDowntime),
                (r.Options.BundleSync, r.Options.TransferRoute, r.Options.ImageRoot, r.Options.PreCopy.MaxRounds, r.Readiness.Skip, r.Readiness.MaxDowntime));
        }

        [Theory]
        [InlineData("mode: PreCopy", MigrationMode.PreCopy)]
        [InlineData("mode: Auto", null)]
        [InlineData("predumpId: p1", MigrationMode.PreCopy)]
        [InlineData("predumpId: p1, mode: PreCopy", MigrationMode.PreCopy)]
        public void Pre_copy_and_Auto_are_modes_a_plan_can_ask_for(string migration, MigrationMode? expected)
        {
            Assert.Equal(expected, Request("mode: Stop", migration).Mode);
        }

        [Theory]
        [InlineData("maxDowntime: 00:00:01.5", 1.5)]
        [InlineData("maxDowntime: '00:01:00'", 60.0)]
        [InlineData("maxDowntime: 0", 0.0)]
        public void Max_downtime_is_seconds_or_a_TimeSpan(string migration, double seconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), Request("force: false", migration).Readiness.MaxDowntime);
        }

        [Theory]
        [InlineData("predumpId: p1, mode: Stop", PlanProblemCodes.ConflictingSetting, "predumpId")]
        [InlineData("imageRoot: /images", PlanProblemCodes.InvalidValue, "imageRoot")]
        [InlineData("imageRoot: images", PlanProblemCodes.InvalidValue, "imageRoot")]
        [InlineData("maxDowntime: soon", PlanProblemCodes.WrongType, "maxDowntime")]
        [InlineData("maxDowntime: -1", PlanProblemCodes.WrongType, "maxDowntime")]
        [InlineData("bundleSync: Shared", PlanProblemCodes.InvalidValue, "bundleSync")]
        [InlineData("transferRoute: direct", PlanProblemCodes.InvalidValue, "transferRoute")]
        [InlineData("compress: gzip", PlanProblemCodes.InvalidValue, "compress")]
        [InlineData("maxRounds: 0", PlanProblemCodes.OutOfRange, "maxRounds")]
        [InlineData("minShrinkPercent: 101", PlanProblemCodes.OutOfRange, "minShrinkPercent")]
        public void A_setting_Move_Container_would_refuse_is_a_problem_of_the_plan(string migration, string code, string key)
        {
            var problem = Assert.Single(Load("force: false", migration).Errors);

            Assert.Equal(code, problem.Code);
            Assert.Contains($"'{key}'", problem.Message);
        }

        [Theory]
        [InlineData("mode: Auto", "skipReadiness: true")]
        [InlineData("skipReadiness: true", "mode: Auto")]
        public void Auto_without_readiness_is_refused_as_Move_Container_refuses_it(string defaults, string migration)
        {
            Assert.Equal(PlanProblemCodes.ConflictingSetting, Assert.Single(Load(defaults, migration).Errors).Code);
        }

        [Fact]
        public void A_predump_id_is_a_migration_s_own_never_a_default()
        {
            Assert.Equal(PlanProblemCodes.UnknownKey, Assert.Single(Load("predumpId: p1", "").Errors).Code);
        }
    }
}
