using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using LiveMigrate.Plans;
using LiveMigrate.Plans.Loading;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>The JSON schema that editors read and the loader's rules (PlanSchema) say the same, so neither drifts.</summary>
    public sealed class PlanSchemaAgreementTests
    {
        private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("module/LiveMigrate/Schemas/migration-plan.v1.schema.json"))).RootElement;

        public static IEnumerable<object[]> Objects => PlanSchema.Objects.Select(o => new object[] { o.Name });

        private static JsonElement Definition(string name) => name == "plan" ? Schema : Schema.GetProperty("$defs").GetProperty(name);

        private static JsonElement Property(string definition, string property)
        {
            var p = Definition(definition).GetProperty("properties").GetProperty(property);
            return p.TryGetProperty("$ref", out var target) ? Definition(target.GetString()!.Split('/').Last()) : p;
        }

        private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

        [Theory]
        [MemberData(nameof(Objects))]
        public void Each_object_has_the_same_keys_and_required_keys_and_no_others(string name)
        {
            var keys = PlanSchema.Objects.Single(o => o.Name == name);
            var definition = Definition(name);
            Assert.Equal(keys.All.OrderBy(k => k), definition.GetProperty("properties").EnumerateObject().Select(p => p.Name).OrderBy(k => k));
            var required = definition.TryGetProperty("required", out var r) ? Strings(r) : new string[0];
            Assert.Equal(keys.Required.OrderBy(k => k), required.OrderBy(k => k));
            Assert.False(definition.GetProperty("additionalProperties").GetBoolean());
        }

        [Fact]
        public void Enumerations_and_supported_versions_are_the_same()
        {
            Assert.Equal(PlanSchema.Modes, Strings(Definition("mode").GetProperty("enum")));
            Assert.Equal(PlanSchema.BundleSyncs, Strings(Definition("bundleSync").GetProperty("enum")));
            Assert.Equal(PlanSchema.TransferRoutes, Strings(Definition("transferRoute").GetProperty("enum")));
            Assert.Equal(PlanSchema.FailurePolicies, Strings(Definition("failurePolicy").GetProperty("enum")));
            Assert.Equal(PlanSchema.HookSides, Strings(Property("commandHook", "on").GetProperty("enum")));
            Assert.Equal(PlanSchema.SupportedVersions, Property("plan", "version").GetProperty("enum").EnumerateArray().Select(e => e.GetInt32()));
        }

        [Theory]
        [InlineData("wave", "throttle")]
        [InlineData("defaults", "criuTimeoutSec")]
        [InlineData("host", "port")]
        [InlineData("commandHook", "timeoutSec")]
        [InlineData("migration", "maxRounds")]
        [InlineData("defaults", "minPagesWritten")]
        [InlineData("defaults", "minShrinkPercent")]
        public void Ranges_are_the_same(string definition, string property)
        {
            var expected = property switch
            {
                "throttle" => PlanSchema.Throttle,
                "maxRounds" => PlanSchema.MaxRounds,
                "minPagesWritten" => PlanSchema.MinPagesWritten,
                "minShrinkPercent" => PlanSchema.MinShrinkPercent,
                "criuTimeoutSec" => PlanSchema.CriuTimeoutSec,
                "port" => PlanSchema.Port,
                _ => PlanSchema.HookTimeoutSec,
            };
            var p = Property(definition, property);
            Assert.Equal((expected.Minimum, expected.Maximum), (p.GetProperty("minimum").GetInt32(), p.GetProperty("maximum").GetInt32()));
        }

        [Fact]
        public void Documented_defaults_are_the_loader_s()
        {
            Assert.Equal(PlanSchema.DefaultMode, Definition("mode").GetProperty("default").GetString());
            Assert.Equal(PlanSchema.DefaultThrottle, Definition("throttle").GetProperty("default").GetInt32());
            Assert.Equal(PlanSchema.DefaultFailurePolicy.ToString().ToLowerInvariant(), Definition("failurePolicy").GetProperty("default").GetString());
            Assert.Equal(PlanSchema.DefaultCriuTimeoutSec, Definition("criuTimeoutSec").GetProperty("default").GetInt32());
            Assert.Equal(PlanSchema.DefaultHookTimeoutSec, Property("commandHook", "timeoutSec").GetProperty("default").GetInt32());
        }

        [Fact]
        public void Every_property_the_schema_lists_is_accepted_by_the_loader()
        {
            using var dir = new TempDirectory();
            File.WriteAllText(dir.File("check.ps1"), "$true");
            var text = string.Join("\n",
                "version: 1",
                "hosts:",
                "  lm1: { address: 10.0.0.1, port: 2222, user: admin, keyPath: k, knownHostsPath: kh, secret: s, vault: v, linkAddress: 10.1.0.1 }",
                "  lm2: { address: root@10.0.0.2 }",
                "  lm3: { address: deploy@10.0.0.3, keySecret: ks, knownHostsSecret: khs, vault: v, become: sudo }",
                "defaults:",
                "  mode: PostCopy",
                "  throttle: 2",
                "  failurePolicy: rollback",
                "  criuTimeoutSec: 60",
                "  keepImages: true",
                "  bundleSync: Delta",
                "  transferRoute: Relay",
                "  compress: Zstd",
                "  lazyRestore: true",
                "  streamMemory: true",
                "  imageRoot: /srv/lm/images",
                "  maxRounds: 3",
                "  minPagesWritten: 100",
                "  minShrinkPercent: 10",
                "  skipReadiness: false",
                "  force: true",
                "  maxDowntime: 2.5",
                "  rollbackOnHookFailure: true",
                "  hooks:",
                "    PreCheckpoint: { on: source, run: [sync], timeoutSec: 5 }",
                "    PostCheckpoint: [ { script: check.ps1 } ]",
                "    PreRestore: { on: destination, run: [true] }",
                "    PostRestore: { on: destination, run: [true] }",
                "    OnFailure: { on: source, run: [true] }",
                "    OnRollback: { on: source, run: [true] }",
                "waves:",
                "  - name: w",
                "    throttle: 1",
                "    failurePolicy: continue",
                "    migrations:",
                "      - { name: m, container: c, from: lm1, to: lm2, mode: Stop, criuTimeoutSec: 30, keepImages: false, compress: None, hooks: { OnFailure: { on: source, run: [true] } } }",
                "      - { container: d, from: lm1, to: lm2, predumpId: p1 }",
                "      - { container: e, from: lm3, to: lm2 }") + "\n";
            var result = MigrationPlanLoader.Parse(text, dir.File("plan.yaml"));
            Assert.Empty(result.Problems);
            var used = new HashSet<string>();
            Collect(YamlTreeReader.Read(text, new Problems("x"))!, used);
            var listed = PlanSchema.Objects.SelectMany(o => Definition(o.Name).GetProperty("properties").EnumerateObject().Select(p => p.Name));
            Assert.Equal(new string[0], listed.Where(p => !used.Contains(p)).ToArray());
        }

        private static void Collect(YamlNode node, HashSet<string> keys)
        {
            if (node is YamlSequence s) foreach (var item in s.Items) Collect(item, keys);
            if (!(node is YamlMapping m)) return;
            foreach (var entry in m.Entries)
            {
                keys.Add(entry.Key.Value);
                Collect(entry.Value, keys);
            }
        }
    }
}
