using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>
    /// container-inspect.sh run by /bin/sh through ReadinessProbe.Inspect against real processes of this machine
    /// (a flock holding a lock), which a fake "runc ps" names as the container's.
    /// </summary>
    public sealed class ContainerInspectScriptTests : IDisposable
    {
        private readonly TempDirectory _bundle = new TempDirectory();
        private readonly Process _holder;

        public ContainerInspectScriptTests()
        {
            File.WriteAllText(_bundle.File("config.json"), Given.Config);
            // Its stdio are pipes: a process on the test runner's terminal would show up as holding a tty.
            var psi = new ProcessStartInfo("flock", $"{_bundle.File("lockfile")} sleep 60")
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            _holder = Process.Start(psi)!;
            // flock takes the lock before it starts sleep.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!File.ReadAllText("/proc/locks").Contains($" {_holder.Id} ") && DateTime.UtcNow < deadline) Thread.Sleep(20);
        }

        public void Dispose()
        {
            try { _holder.Kill(entireProcessTree: true); _holder.WaitForExit(5000); } catch (InvalidOperationException) { }
            _holder.Dispose();
            _bundle.Dispose();
        }

        private ContainerFacts Inspect() => Inspect(_holder.Id);

        private ContainerFacts Inspect(int pid) => Inspect($"echo '[{pid}]'", pid);

        private ContainerFacts Inspect(string ps, int pid)
        {
            using var runc = new FakeRunc(ps: ps);
            var request = new ReadinessRequest();
            request.Runtime.RuncPath = runc.Path;
            var container = new ContainerInfo("web", ContainerStatus.Running, pid, _bundle.Path, null, "localhost");
            return new ReadinessProbe(request).Inspect(new LocalHostSession(), container, CancellationToken.None);
        }

        [Fact]
        public void A_container_runc_lists_no_process_of_is_refused_with_the_reason()
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Inspect("echo null", _holder.Id));

            Assert.Contains("runc ps web listed no processes", ex.Message);
        }

        [Fact]
        public void Reads_pids_memory_bundle_size_config_and_the_lock()
        {
            var f = Inspect();

            Assert.Equal(new[] { _holder.Id }, f.Pids);
            Assert.True(f.MemoryBytes > 0, "no anonymous memory counted");
            Assert.True(f.BundleBytes > 0, "no bundle size");
            Assert.Equal(Given.Config, f.ConfigJson);
            Assert.Equal((_holder.Id, "FLOCK"), Assert.Single(f.FileLocks));
            // Pipes are neither terminals nor host files, and a process in this mount namespace opens nothing outside it.
            Assert.Empty(f.Terminals);
            Assert.Empty(f.HostFiles);
        }

        private static Process Start(string program, string arguments) => Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;

        [Fact]
        public void A_memfd_is_not_a_host_file_and_a_stopped_task_is_named()
        {
            // A memfd's link reads "/memfd:NAME (deleted)", on the kernel's internal mount: CRIU carries it.
            using var p = Start("python3", "-c \"import os, time; fd = os.memfd_create('state'); print(fd, flush=True); time.sleep(60)\"");
            try
            {
                p.StandardOutput.ReadLine();
                var f = Inspect(p.Id);
                Assert.Empty(f.HostFiles);
                Assert.Empty(f.Tasks);
                p.Kill();
                p.WaitForExit(5000);
            }
            finally { if (!p.HasExited) p.Kill(); }
            using var stopped = Start("sleep", "60");
            try
            {
                ExternalTool.Run("kill", "-STOP", stopped.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var deadline = DateTime.UtcNow.AddSeconds(5);
                while (!File.ReadAllText($"/proc/{stopped.Id}/status").Contains("State:\tT") && DateTime.UtcNow < deadline) Thread.Sleep(20);
                Assert.Equal((stopped.Id, "stopped", 0), Assert.Single(Inspect(stopped.Id).Tasks));
            }
            finally { stopped.Kill(); stopped.WaitForExit(5000); }
        }

        [Fact]
        public void An_established_tcp_connection_of_another_process_in_its_network_namespace_is_not_its_own()
        {
            // This test process holds both ends; the inspected process shares the network namespace but holds
            // neither, as with a container in the host's namespace: not something CRIU would have to carry.
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
                using var accepted = listener.AcceptTcpClient();
                var server = (IPEndPoint)listener.LocalEndpoint;

                var f = Inspect();

                Assert.DoesNotContain(f.TcpConnections, c => c.Local.EndsWith($":{server.Port}") || c.Remote.EndsWith($":{server.Port}"));
            }
            finally { listener.Stop(); }
        }
    }
}
