using System;
using System.IO;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    /// <summary>
    /// port-guard.sh run by a real /bin/sh against a fake iptables that keeps its rules in a file and, like an xtables
    /// lock held forever, never answers a -w without a bound; getent answers for the page clients' group.
    /// </summary>
    public sealed class PortGuardScriptTests : IDisposable
    {
        private const string FakeIptables = @"#!/bin/sh
rules=$0.rules
[ ""$1"" = -w ] || exit 9
case $2 in *[!0-9]*|'') exec sleep 3600 ;; esac
shift 2
op=$1 chain=$2
shift 2
case $op in
-I) echo ""-A $chain $*"" >> ""$rules"" ;;
-S) grep ""^-A $chain "" ""$rules"" ;;
-D) grep -vxF -- ""-A $chain $*"" ""$rules"" > ""$rules.new""; mv ""$rules.new"" ""$rules"" ;;
esac
exit 0
";
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly string _bin;

        public PortGuardScriptTests()
        {
            _bin = Directory.CreateDirectory(_dir.File("bin")).FullName;
            File.WriteAllText(Path.Combine(_bin, "iptables"), FakeIptables);
            File.WriteAllText(Path.Combine(_bin, "getent"), "#!/bin/sh\necho 'livemigrate-pages:x:995:'\n");
            ExternalTool.Run("chmod", "+x", Path.Combine(_bin, "iptables"), Path.Combine(_bin, "getent"));
        }

        public void Dispose() => _dir.Dispose();

        private string[] Rules => File.Exists(Path.Combine(_bin, "iptables.rules")) ? File.ReadAllLines(Path.Combine(_bin, "iptables.rules")) : new string[0];

        private void Run(params string[] args) =>
            HostScript.Run(new LocalHostSession(), new CommandLine(new[] { "sh", "-c", "PATH=$1:$PATH; shift; exec sh -c \"$@\"", "sh", _bin,
                HostScript.Text("port-guard.sh"), "port-guard.sh" }.Concat(args)), TimeSpan.FromSeconds(10), CancellationToken.None);

        [Fact]
        public void Admits_only_the_page_clients_group_and_nothing_from_another_interface()
        {
            Run("guard", "21000", "m1", "livemigrate-pages");

            Assert.Equal(new[]
            {
                "-A OUTPUT -d 127.0.0.1 -p tcp --dport 21000 -m owner ! --gid-owner 995 -m comment --comment livemigrate-pages-m1 -j REJECT --reject-with tcp-reset",
                "-A INPUT ! -i lo -d 127.0.0.0/8 -p tcp --dport 21000 -m comment --comment livemigrate-pages-m1 -j DROP",
            }, Rules);
        }

        [Fact]
        public void Admits_the_group_as_a_supplementary_one_too_when_asked()
        {
            Run("guard", "21000", "m1", "livemigrate-pages", "supplementary");

            Assert.Equal("-A OUTPUT -d 127.0.0.1 -p tcp --dport 21000 -m owner ! --gid-owner 995 --suppl-groups -m comment --comment livemigrate-pages-m1 -j REJECT --reject-with tcp-reset", Rules.First());
            Assert.Equal(2, Rules.Length);
        }

        [Fact]
        public void Unguard_removes_its_own_rules_from_both_chains_and_no_other()
        {
            Run("guard", "21000", "m1", "livemigrate-pages");
            Run("guard", "22000", "m2", "livemigrate-pages");

            Run("unguard", "m1");

            Assert.Equal(2, Rules.Length);
            Assert.All(Rules, r => Assert.Contains("livemigrate-pages-m2 ", r));
        }

        [Theory]
        [InlineData("guard", "21000", "m1", "livemigrate pages")]
        [InlineData("guard", "21000", "m1", "")]
        [InlineData("guard", "21000;x", "m1", "livemigrate-pages")]
        [InlineData("guard", "21000", "m 1", "livemigrate-pages")]
        [InlineData("guard", "21000", "m1", "livemigrate-pages", "root")]
        public void Refuses_what_is_not_a_port_a_tag_and_a_group(params string[] args)
        {
            Assert.Throws<InvalidOperationException>(() => Run(args));
            Assert.Empty(Rules);
        }
    }
}
