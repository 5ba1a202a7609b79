using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using LiveMigrate.Hosts;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>Reads the plan's hosts: section. A password or passphrase written there is refused.</summary>
    internal sealed class HostsReader
    {
        private static readonly Regex HasPort = new Regex(@":\d+\z", RegexOptions.CultureInvariant);
        private readonly NodeReader _r;

        public HostsReader(NodeReader reader) { _r = reader; }

        /// <summary>Every name defined, valid or not, so that a broken host is not also reported as unknown where it is used.</summary>
        public Dictionary<string, YamlScalar> Defined { get; } = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);

        /// <summary>The hosts whose addresses could be read, by name (the plan is built only when nothing else is wrong).</summary>
        public Dictionary<string, PlanHost> Parsed { get; } = new Dictionary<string, PlanHost>(StringComparer.Ordinal);

        public void Read(YamlNode? node)
        {
            var hosts = _r.Mapping(node, "'hosts'", "Write one entry per host under 'hosts:', such as 'lm1: { address: root@10.0.0.1:22, keyPath: ~/.ssh/id_ed25519 }'.");
            if (hosts == null) return;
            var refused = RefusePlainSecrets(hosts);
            if (hosts.Entries.Count == 0)
            {
                _r.Problems.Error(hosts, PlanProblemCodes.InvalidValue, "'hosts' defines no host.", "Add the hosts that the migrations name in 'from' and 'to', such as 'lm1: { address: root@10.0.0.1:22 }'.");
            }
            foreach (var entry in hosts.Entries.Where(e => !refused.Contains(e.Key)))
            {
                Defined[entry.Key.Value] = entry.Key;
                var host = ReadHost(entry.Key.Value, entry.Value);
                if (host != null) Parsed[host.Name] = host;
            }
        }

        private PlanHost? ReadHost(string name, YamlNode node)
        {
            var where = $"in host '{name}'";
            var m = _r.Mapping(node, $"host '{name}'", "Write the host's settings under its name, at least 'address: user@host:port'.");
            if (m == null) return null;
            _r.CheckKeys(m, PlanSchema.Host, where, reportedElsewhere: PlanSchema.IsPlainSecretKey);
            var addressText = _r.String(m, "address", where);
            var port = _r.Int(m, "port", PlanSchema.Port, where);
            var user = _r.String(m, "user", where);
            var keyPath = _r.String(m, "keyPath", where);
            var keySecret = _r.String(m, "keySecret", where);
            var knownHostsPath = _r.String(m, "knownHostsPath", where);
            var knownHostsSecret = _r.String(m, "knownHostsSecret", where);
            var secret = _r.String(m, "secret", where);
            var vault = _r.String(m, "vault", where);
            var linkText = _r.String(m, "linkAddress", where);
            var become = _r.OneOf(m, "become", PlanSchema.Become, where);
            if (m.KeyNode("vault") != null && new[] { "secret", "keySecret", "knownHostsSecret" }.All(k => m.KeyNode(k) == null))
            {
                _r.Problems.Error(m.KeyNode("vault")!, PlanProblemCodes.ConflictingSetting, $"'vault' {where} names a vault but no secret to read from it.", "Add 'secret:', 'keySecret:' or 'knownHostsSecret:' with the name of the secret, or remove 'vault:'.");
            }
            if (m.KeyNode("keySecret") != null && m.KeyNode("keyPath") != null)
            {
                _r.Problems.Error(m.KeyNode("keySecret")!, PlanProblemCodes.ConflictingSetting, $"'keySecret' and 'keyPath' {where} both give the private key.", "Keep one: 'keyPath:' for a key file, 'keySecret:' for a key held in a secret.");
            }
            if (m.KeyNode("knownHostsSecret") != null && m.KeyNode("knownHostsPath") != null)
            {
                _r.Problems.Error(m.KeyNode("knownHostsSecret")!, PlanProblemCodes.ConflictingSetting, $"'knownHostsSecret' and 'knownHostsPath' {where} both give the known hosts.", "Keep one: 'knownHostsPath:' for a file, 'knownHostsSecret:' for lines held in a secret.");
            }
            if (user != null && HostAddress.HoldsPassword(user))
            {
                _r.Problems.Error(m["user"]!, PlanProblemCodes.PlainPassword, HostAddress.PasswordRefusal, "Write the user name alone, such as 'user: deploy', and name the password's secret in 'secret:'.");
                return null;
            }
            if (addressText == null) return null;
            if (!HostAddress.TryParse(addressText, out var parsed, out var error))
            {
                if (error == HostAddress.PasswordRefusal)
                    _r.Problems.Error(m["address"]!, PlanProblemCodes.PlainPassword, error, "Write the address as user@host[:port], store the password with Set-Secret and name it in 'secret: <name>'.");
                else
                    _r.Problems.Error(m["address"]!, PlanProblemCodes.InvalidAddress, error!, "Write the address as host, user@host or user@host:port, such as root@10.0.0.1:2222.");
                return null;
            }
            if (user != null && addressText.Contains("@") && user != parsed!.UserName)
            {
                Conflict(m, "user", $"'user' {where} is '{user}' but the address names user '{parsed.UserName}'.");
            }
            if (port != null && HasPort.IsMatch(addressText.Trim()) && port != parsed!.Port)
            {
                Conflict(m, "port", $"'port' {where} is {port} but the address names port {parsed.Port}.");
            }
            var address = new HostAddress(parsed!.HostName, port ?? parsed.Port, user ?? parsed.UserName);
            HostAddress? link = null;
            if (linkText != null && !HostAddress.TryParseLink(linkText, address, out link, out var linkError))
            {
                _r.Problems.Error(m["linkAddress"]!, PlanProblemCodes.InvalidAddress, linkError!, "Write the address the other hosts reach this one at as host, host:port or user@host:port, such as 10.1.0.5:22.");
            }
            return new PlanHost(name, address, keyPath, knownHostsPath, secret, vault, link, keySecret, knownHostsSecret,
                become == "sudo" ? BecomeMethod.Sudo : BecomeMethod.None);
        }

        private void Conflict(YamlMapping m, string key, string message) =>
            _r.Problems.Error(m.KeyNode(key)!, PlanProblemCodes.ConflictingSetting, message, $"Write the {key} in one place: in the address or in '{key}:'.");

        // A secret in a plan file ends up in backups, repositories and logs: refuse it wherever it is under hosts.
        private HashSet<YamlScalar> RefusePlainSecrets(YamlNode node)
        {
            var found = new HashSet<YamlScalar>();
            Visit(node);
            return found;

            void Visit(YamlNode n)
            {
                if (n is YamlSequence sequence) foreach (var item in sequence.Items) Visit(item);
                if (!(n is YamlMapping mapping)) return;
                foreach (var entry in mapping.Entries)
                {
                    if (PlanSchema.IsPlainSecretKey(entry.Key.Value))
                    {
                        found.Add(entry.Key);
                        _r.Problems.Error(entry.Key, PlanProblemCodes.PlainPassword, $"'{entry.Key.Value}' writes a secret into the plan file; a plan never holds a password or passphrase.",
                            "Store it with Set-Secret (Microsoft.PowerShell.SecretManagement), remove this line, and name the secret in the host: 'secret: <name>'.");
                    }
                    else Visit(entry.Value);
                }
            }
        }
    }
}
