using System;
using System.Linq;
using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>A loaded plan: waves in order, and each migration with the defaults it inherits and what it overrides.</summary>
    public sealed class PlanEffectiveSettingsTests
    {
        private static readonly MigrationPlan Plan = PlanFiles.Parse(
            "version: 1",
            "hosts:",
            "  lm1: { address: root@127.77.0.1:2222 }",
            "  lm2: { address: root@127.77.0.2:2222 }",
            "defaults: { mode: PostCopy, throttle: 3, failurePolicy: continue, criuTimeoutSec: 120, keepImages: true }",
            "waves:",
            "  - name: first",
            "    migrations:",
            "      - { container: web, from: lm1, to: lm2 }",
            "      - { name: db-move, container: db, from: lm1, to: lm2, mode: Stop, criuTimeoutSec: 30, keepImages: false }",
            "  - name: second",
            "    throttle: 1",
            "    failurePolicy: rollback",
            "    migrations:",
            "      - { name: web-back, container: web, from: lm2, to: lm1 }").Plan!;

        [Fact]
        public void Waves_keep_their_order_and_their_own_settings_over_the_defaults()
        {
            Assert.Equal(new[] { "first", "second" }, Plan.Waves.Select(w => w.Name));
            Assert.Equal((3, FailurePolicy.Continue), (Plan.Waves[0].Throttle, Plan.Waves[0].FailurePolicy));
            Assert.Equal((1, FailurePolicy.Rollback), (Plan.Waves[1].Throttle, Plan.Waves[1].FailurePolicy));
        }

        [Fact]
        public void A_migration_inherits_the_defaults()
        {
            var web = Plan.Migrations.First();
            Assert.Equal(("web", "web", "first", "PostCopy", 120.0, true), (web.Name, web.Container, web.Wave, web.Mode, web.CriuTimeout.TotalSeconds, web.KeepImages));
            Assert.Equal(("lm1", "root@127.77.0.1:2222", "lm2"), (web.Source.Name, web.Source.Address.ToString(), web.Destination.Name));
            Assert.Equal((9, 9), (web.Line, web.Column));
        }

        [Fact]
        public void A_migration_overrides_what_it_sets()
        {
            var db = Plan.Migrations.Single(m => m.Name == "db-move");
            Assert.Equal(("db", "Stop", 30.0, false), (db.Container, db.Mode, db.CriuTimeout.TotalSeconds, db.KeepImages));
        }

        [Fact]
        public void Without_defaults_the_built_in_ones_apply()
        {
            var plan = PlanFiles.Parse(
                "version: 1",
                "hosts: { lm1: { address: a }, lm2: { address: b } }",
                "waves: [ { name: w, migrations: [ { container: c, from: lm1, to: lm2 } ] } ]").Plan!;
            var m = plan.Migrations.Single();
            Assert.Equal((1, FailurePolicy.Stop), (plan.Waves[0].Throttle, plan.Waves[0].FailurePolicy));
            Assert.Equal(("Stop", TimeSpan.FromSeconds(300), false, 0), (m.Mode, m.CriuTimeout, m.KeepImages, m.Hooks.Count));
            Assert.Equal(1, plan.Version);
        }
    }
}
