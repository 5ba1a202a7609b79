using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LiveMigrate.Hosts;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    /// <summary>The controller's page-forward port admits one connection, from its own user, and nobody else.</summary>
    public sealed class ForwardAdmissionTests : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly ForwardAdmission _admission = new ForwardAdmission();

        public ForwardAdmissionTests()
        {
            _listener.Start();
            _admission.ListenerPort = Port;
        }

        private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose() => _listener.Stop();

        /// <summary>Connects from this process and returns the originator port the listener sees.</summary>
        private (TcpClient client, int peerPort) ConnectOwn()
        {
            var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var accepted = _listener.AcceptSocket();
            return (client, ((IPEndPoint)accepted.RemoteEndPoint!).Port);
        }

        [Fact]
        public void The_first_own_connection_is_admitted_and_no_second_one()
        {
            var (first, firstPort) = ConnectOwn();
            var (second, secondPort) = ConnectOwn();
            using (first)
            using (second)
            {
                Assert.True(_admission.TryAdmit(firstPort));
                Assert.False(_admission.TryAdmit(secondPort));
            }
        }

        [Fact]
        public void Another_users_connection_is_refused_and_does_not_take_the_one_place()
        {
            // nobody (uid 65534) connects with bash's /dev/tcp and holds the connection open.
            using var other = Process.Start(new ProcessStartInfo("setpriv")
            {
                ArgumentList = { "--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{Port}; sleep 5" },
                UseShellExecute = false,
            })!;
            try
            {
                _listener.Server.ReceiveTimeout = 10_000;
                using var accepted = _listener.AcceptSocket();
                Assert.False(_admission.TryAdmit(((IPEndPoint)accepted.RemoteEndPoint!).Port));

                var (own, ownPort) = ConnectOwn();
                using (own) Assert.True(_admission.TryAdmit(ownPort));
            }
            finally { other.Kill(); }
        }

        [Fact]
        public void Nothing_is_admitted_before_the_port_is_known()
        {
            var admission = new ForwardAdmission();
            var (own, ownPort) = ConnectOwn();
            using (own) Assert.False(admission.TryAdmit(ownPort));
        }

        [Fact]
        public void The_owner_is_read_from_the_socket_whose_ends_match()
        {
            const string table =
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
                "   0: 0100007F:9C40 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 11 1 0 20 4 30 10 -1\n" +
                "   1: 0100007F:A000 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 12 1 0 20 4 30 10 -1\n";

            Assert.Equal(1000, ForwardAdmission.SocketOwner(table, 0xA000, 0x9C40));
            Assert.Equal(0, ForwardAdmission.SocketOwner(table, 0x9C40, 0xA000));
            Assert.Null(ForwardAdmission.SocketOwner(table, 0xA000, 0x1234));
        }

        [Fact]
        public void The_effective_uid_is_the_second_field_of_Uid()
        {
            Assert.Equal(33, ForwardAdmission.EffectiveUid("Name:\tpwsh\nUid:\t0\t33\t0\t0\nGid:\t0\t0\t0\t0\n"));
        }
    }
}
