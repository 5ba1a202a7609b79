using System;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    /// <summary>The move and readiness's bandwidth sample take the same route: relayed when asked, for a local host, or when Auto cannot make the link.</summary>
    public sealed class RouteChoiceTests
    {
        private sealed class Remote : IDirectLinkTarget
        {
            public Remote(string name) { Name = name; }
            public string Name { get; }
            public bool IsConnected => true;
            public HostAddress ReachableAt => HostAddress.Parse("root@" + Name);
            public string HostKey => "ssh-ed25519 AAAA";
            public CommandResult Run(CommandLine command, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();
            public IHostProcess Start(CommandLine command) => throw new NotSupportedException();
            public void Dispose() { }
        }

        private static readonly IHostSession Src = new Remote("src"), Dst = new Remote("dst"), Local = new FakeHostSession(_ => FakeHostSession.Exit(0), name: "localhost");

        private static string Take(TransferRoute route, IHostSession source, IHostSession destination, Func<IDirectLinkTarget, string>? direct = null) =>
            RouteChoice.Take(route, source, destination, direct ?? (t => "direct to " + t.Name), why => "relayed: " + why);

        [Theory]
        [InlineData(TransferRoute.Auto)]
        [InlineData(TransferRoute.Direct)]
        public void Goes_direct_between_two_SSH_hosts(TransferRoute route) => Assert.Equal("direct to dst", Take(route, Src, Dst));

        [Fact]
        public void Relays_when_asked_or_when_a_host_is_local_and_Auto()
        {
            Assert.Equal("relayed: as asked", Take(TransferRoute.Relay, Src, Dst));
            Assert.Equal("relayed: one host is local", Take(TransferRoute.Auto, Local, Dst));
            Assert.Equal("relayed: one host is local", Take(TransferRoute.Auto, Src, Local));
        }

        [Fact]
        public void Direct_refuses_a_local_host_naming_it()
        {
            var ex = Assert.Throws<NotSupportedException>(() => Take(TransferRoute.Direct, Src, Local));

            Assert.Contains("localhost is local", ex.Message);
        }

        [Fact]
        public void Auto_relays_when_the_link_cannot_be_made_and_Direct_fails_with_it()
        {
            Func<IDirectLinkTarget, string> broken = _ => throw new InvalidOperationException("Network is unreachable");

            Assert.Equal("relayed: the direct link could not be made: Network is unreachable", Take(TransferRoute.Auto, Src, Dst, broken));
            Assert.Throws<InvalidOperationException>(() => Take(TransferRoute.Direct, Src, Dst, broken));
            Assert.Throws<OperationCanceledException>(() => Take(TransferRoute.Auto, Src, Dst, _ => throw new OperationCanceledException()));
        }
    }
}
