using System;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiveMigrate.Clone
{
    /// <summary>A clone's config.json: the original's, with what must be the clone's own.</summary>
    public static class CloneConfig
    {
        /// <summary>
        /// runc (1.1 and later) hands CRIU the configuration file this annotation names, instead of /etc/criu/runc.conf,
        /// on checkpoint and on restore: the way to options runc has no flag for.
        /// </summary>
        public const string CriuConfigAnnotation = "org.criu.config";

        /// <summary>
        /// A clone's restore: its established connections come back closed (their peers talk to the original, which
        /// keeps them); in-flight ones are skipped as /etc/criu/runc.conf says for any restore (see about_LiveMigrate_Networking).
        /// </summary>
        public const string RestoreCriuOptions = "tcp-close\nskip-in-flight\n";

        private static readonly JsonDocumentOptions Limits = new JsonDocumentOptions { MaxDepth = 64 };

        /// <summary>
        /// The clone's config.json: a cgroup of its own (the original's name at the end of cgroupsPath replaced by the
        /// clone's, or "-NEWNAME" appended); with <paramref name="namespacePath"/>, the network namespace at that path;
        /// with <paramref name="criuConfig"/>, CRIU's configuration for its restore (without it, the original's annotation stays).
        /// </summary>
        public static string ForClone(string configJson, string original, string newName, string? namespacePath, string? criuConfig)
        {
            var config = JsonNode.Parse(configJson, documentOptions: Limits) as JsonObject
                ?? throw new InvalidOperationException("The checkpoint's config.json is not a JSON object.");
            var linux = config["linux"] as JsonObject;
            if (linux?["cgroupsPath"] is JsonValue value && value.TryGetValue<string>(out var cgroup))
            {
                var cut = cgroup.LastIndexOf(original, StringComparison.Ordinal);
                linux["cgroupsPath"] = cut >= 0 && cut + original.Length == cgroup.Length ? cgroup.Substring(0, cut) + newName : cgroup + "-" + newName;
            }
            if (namespacePath != null) NetworkNamespace(linux)["path"] = namespacePath;
            if (criuConfig != null)
            {
                if (!(config["annotations"] is JsonObject annotations)) config["annotations"] = annotations = new JsonObject();
                annotations[CriuConfigAnnotation] = criuConfig;
            }
            return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }

        /// <summary>
        /// What CRIU read for the original, for a clone that ran: the file its own annotation names, /etc/criu/runc.conf
        /// without one, nothing for an empty one (runc's rule).
        /// </summary>
        public static string? OriginalCriuConfig(string configJson)
        {
            var config = JsonNode.Parse(configJson, documentOptions: Limits);
            if (!(config?["annotations"]?[CriuConfigAnnotation] is JsonValue v)) return "/etc/criu/runc.conf";
            return v.TryGetValue<string>(out var path) && path.Length > 0 ? path : null;
        }

        private static JsonObject NetworkNamespace(JsonObject? linux)
        {
            if (linux?["namespaces"] is JsonArray namespaces)
            {
                foreach (var ns in namespaces)
                {
                    if (ns is JsonObject o && o["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "network") return o;
                }
            }
            throw new InvalidOperationException("The checkpoint's config.json names no network namespace, so the clone's cannot be set.");
        }
    }
}
