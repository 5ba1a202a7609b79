using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// The relay's end of post-copy's page tunnel, on the controller: carries the one connection that reaches its loopback
    /// port (bound by the system, closed once taken) to the source's page port through a connector started there over the controller's own session. The connector
    /// runs as a page client (<see cref="PageClients"/>), so the source's guard admits it; sshd's own forwarding could
    /// not be told apart from any other process of the login user.
    /// </summary>
    internal sealed class PageRelay : IDisposable
    {
        // bash's /dev/tcp both ways; when the controller's side ends, so does the reader, and CRIU sees the connection close.
        private const string Connector = "exec 3<>\"/dev/tcp/127.0.0.1/$1\" || exit 1\ncat <&3 & reader=$!\ncat >&3\nkill \"$reader\" 2>/dev/null\nwait";
        private readonly IHostSession _source;
        private readonly int _sourcePort;
        private readonly TimeSpan _timeout;
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        // Only a socket of this controller's user gets the one place: another local user's connection is closed at once.
        private readonly Hosts.ForwardAdmission _admission = new Hosts.ForwardAdmission();
        private int _closed;

        public PageRelay(IHostSession source, int sourcePort, TimeSpan timeout)
        {
            _source = source;
            _sourcePort = sourcePort;
            _timeout = timeout;
            _listener.Start();
            _admission.ListenerPort = Port;
            Task.Run(AcceptOne);
        }

        /// <summary>The controller's loopback port the destination's forward is to reach.</summary>
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        internal CommandLine ConnectorCommand() =>
            new CommandLine(PageClients.As(new[] { "bash", "-c", Connector, "page-connector", _sourcePort.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            { HostTimeout = _timeout };

        /// <summary>One connection, criu lazy-pages' own: the port closes once it is taken.</summary>
        private async Task AcceptOne()
        {
            TcpClient client;
            while (true)
            {
                try { client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false); }
                catch (Exception) { return; /* closed */ }
                if (_admission.TryAdmit(((IPEndPoint)client.Client.RemoteEndPoint!).Port)) break;
                client.Dispose();
            }
            _listener.Stop();
            Carry(client);
        }

        private void Carry(TcpClient client)
        {
            using (client)
            {
                // Page requests and their answers go back and forth: no segment may wait for an acknowledgement.
                client.NoDelay = true;
                IHostProcess connector;
                try { connector = _source.Start(ConnectorCommand()); }
                catch (Exception) { return; /* the destination's client sees its connection close */ }
                using (connector)
                {
                    var network = client.GetStream();
                    var up = Task.Run(() =>
                    {
                        Pump(network, connector.StandardInput);
                        try { connector.StandardInput.Dispose(); } catch (Exception) { /* gone already */ }
                    });
                    Pump(connector.StandardOutput, network);
                    try { client.Client.Shutdown(SocketShutdown.Send); } catch (Exception) { /* closed already */ }
                    up.Wait(_timeout);
                }
            }
        }

        /// <summary>Each chunk on at once: page requests are small, and a buffered one would stall the restored container.</summary>
        private static void Pump(Stream from, Stream to)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
                {
                    to.Write(buffer, 0, n);
                    to.Flush();
                }
            }
            catch (Exception) { /* either end closed: the other follows */ }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1) return;
            _listener.Stop();
        }
    }
}
