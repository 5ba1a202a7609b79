using System;
using System.Globalization;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;
using LiveMigrate.Transfer;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>Reads <see cref="PlanSchema.MigrationSettings"/> from a plan's defaults or one migration onto a request.</summary>
    internal sealed class PlanSettingsReader
    {
        private readonly NodeReader _r;

        public PlanSettingsReader(NodeReader reader) { _r = reader; }

        /// <summary>A plan's built-in defaults: Move-Container's, but for the CRIU timeout the schema documents.</summary>
        public static MigrationRequest BuiltIn()
        {
            var request = new MigrationRequest(null);
            request.Options.Runtime.CriuTimeout = TimeSpan.FromSeconds(PlanSchema.DefaultCriuTimeoutSec);
            return request;
        }

        /// <summary>Overrides what <paramref name="m"/> sets; what it does not set keeps <paramref name="request"/>'s value.</summary>
        public void Read(YamlMapping m, string where, MigrationRequest request)
        {
            var o = request.Options;
            if (_r.OneOf(m, "mode", PlanSchema.Modes, where) is { } mode)
                request.Mode = mode == "Auto" ? (MigrationMode?)null : (MigrationMode)Enum.Parse(typeof(MigrationMode), mode);
            if (_r.OneOf(m, "bundleSync", PlanSchema.BundleSyncs, where) is { } sync) o.BundleSync = (BundleSync)Enum.Parse(typeof(BundleSync), sync);
            if (_r.OneOf(m, "transferRoute", PlanSchema.TransferRoutes, where) is { } route) o.TransferRoute = (TransferRoute)Enum.Parse(typeof(TransferRoute), route);
            if (_r.OneOf(m, "compress", PlanSchema.Compressions, where) is { } compress) o.Compression = (StreamCompression)Enum.Parse(typeof(StreamCompression), compress);
            o.LazyRestore = _r.Bool(m, "lazyRestore", where) ?? o.LazyRestore;
            o.StreamMemory = _r.Bool(m, "streamMemory", where) ?? o.StreamMemory;
            o.KeepImages = _r.Bool(m, "keepImages", where) ?? o.KeepImages;
            o.RollbackOnHookFailure = _r.Bool(m, "rollbackOnHookFailure", where) ?? o.RollbackOnHookFailure;
            if (_r.Int(m, "criuTimeoutSec", PlanSchema.CriuTimeoutSec, where) is { } criu) o.Runtime.CriuTimeout = TimeSpan.FromSeconds(criu);
            o.ImageRoot = ImageRoot(m, where) ?? o.ImageRoot;
            o.PreCopy.MaxRounds = _r.Int(m, "maxRounds", PlanSchema.MaxRounds, where) ?? o.PreCopy.MaxRounds;
            o.PreCopy.MinPagesWritten = _r.Int(m, "minPagesWritten", PlanSchema.MinPagesWritten, where) ?? o.PreCopy.MinPagesWritten;
            o.PreCopy.MinShrinkPercent = _r.Int(m, "minShrinkPercent", PlanSchema.MinShrinkPercent, where) ?? o.PreCopy.MinShrinkPercent;
            request.Readiness.Skip = _r.Bool(m, "skipReadiness", where) ?? request.Readiness.Skip;
            request.Readiness.Force = _r.Bool(m, "force", where) ?? request.Readiness.Force;
            request.Readiness.MaxDowntime = Duration(m, "maxDowntime", where) ?? request.Readiness.MaxDowntime;
        }

        /// <summary>A migration's own: predumpId finishes a pre-copy, so it implies the mode unless the migration names another.</summary>
        public void ReadPredumpId(YamlMapping m, string where, MigrationRequest request)
        {
            if (!(_r.String(m, "predumpId", where) is { } id)) return;
            request.Options.PredumpId = id;
            if (m["mode"] == null) request.Mode = MigrationMode.PreCopy;
            else if (request.Mode != MigrationMode.PreCopy)
                _r.Problems.Error(m["mode"]!, PlanProblemCodes.ConflictingSetting, $"'predumpId' {where} finishes a pre-copy; it cannot go with mode {request.Mode?.ToString() ?? "Auto"}.",
                    "Write 'mode: PreCopy', or leave 'mode' out (predumpId implies it).");
        }

        /// <summary>What no migration can be, wherever its settings came from (the same rule as Move-Container's).</summary>
        public void CheckEffective(YamlMapping m, string where, MigrationRequest request)
        {
            if (request.Mode == null && request.Readiness.Skip)
                _r.Problems.Error(m, PlanProblemCodes.ConflictingSetting, $"The migration {where} has mode Auto and skipReadiness: Auto picks the mode from the readiness checks, which skipReadiness skips.",
                    "Name a mode (Stop, PostCopy or PreCopy), or leave skipReadiness out.");
        }

        private string? ImageRoot(YamlMapping m, string where)
        {
            var root = _r.String(m, "imageRoot", where);
            if (root == null || (HostPath.IsSafeAbsolute(root) && HostPath.IsRemovable(HostPath.Combine(root, "x")))) return root;
            _r.Problems.Error(m["imageRoot"]!, PlanProblemCodes.InvalidValue, $"'imageRoot' {where} is '{root}': it must be an absolute path without '.' or '..' parts, at least two levels deep (its image folders are removed after a migration).",
                "Use a folder such as /var/lib/livemigrate/images.");
            return null;
        }

        /// <summary>Seconds (2.5), or PowerShell's TimeSpan text (00:00:02.500), as -MaxDowntime takes it.</summary>
        private TimeSpan? Duration(YamlMapping m, string key, string where)
        {
            var node = m[key];
            if (node == null) return null;
            if (node is YamlScalar s && !s.IsNull)
            {
                if (s.IsPlain && double.TryParse(s.Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
                    return TimeSpan.FromSeconds(seconds);
                if (TimeSpan.TryParseExact(s.Value, "c", CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero) return span;
            }
            _r.Problems.Error(node, PlanProblemCodes.WrongType, $"'{key}' {where} must be a duration, not {node.Describe()}.",
                $"Write seconds, such as '{key}: 2.5', or hours:minutes:seconds, such as '{key}: 00:00:02.5'.");
            return null;
        }
    }
}
