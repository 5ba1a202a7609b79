using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>
    /// stopped-tasks.sh run by /bin/sh against a real process tree of this machine (a shell, its "container's init", with
    /// two sleeping children), frozen in a cgroup v1 freezer of its own where the machine has one.
    /// </summary>
    public sealed class StoppedTasksScriptTests : IDisposable
    {
        private const string Records = "/run/livemigrate/stopped-tasks";
        private readonly Process _init;
        private readonly int[] _children;
        private readonly string _record;

        public StoppedTasksScriptTests()
        {
            var psi = new ProcessStartInfo("sh", "-c \"sleep 300 & sleep 300 & wait\"")
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            _init = Process.Start(psi)!;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            do { _children = Children(_init.Id); } while (_children.Length < 2 && DateTime.UtcNow < deadline && Sleep());
            Assert.Equal(2, _children.Length);
            _record = RecordOf(_init.Id);
        }

        public void Dispose()
        {
            try { _init.Kill(entireProcessTree: true); _init.WaitForExit(5000); } catch (InvalidOperationException) { }
            _init.Dispose();
            File.Delete(_record);
        }

        private static bool Sleep() { Thread.Sleep(20); return true; }

        private static int[] Children(int pid) =>
            File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

        private static string[] Stat(int pid)
        {
            var s = File.ReadAllText($"/proc/{pid}/stat");
            return s.Substring(s.LastIndexOf(") ", StringComparison.Ordinal) + 2).Split(' ');
        }

        private static char State(int pid) => Stat(pid)[0][0];
        private static string Start(int pid) => Stat(pid)[19];
        private static string RecordOf(int init) => $"{Records}/{init}-{Start(init)}";
        private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

        private static void Signal(string signal, int pid) => ExternalTool.Run("kill", "-" + signal, Pid(pid));

        private static void WaitFor(int pid, Func<char, bool> state)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!state(State(pid)) && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.True(state(State(pid)), $"process {pid} is in state {State(pid)}");
        }

        private static void Run(string[] args, string? action = null, int? init = null)
        {
            var cmd = HostScript.Command("stopped-tasks.sh", args);
            if (action != null) cmd.WithEnvironment(new System.Collections.Generic.Dictionary<string, string> { ["CRTOOLS_SCRIPT_ACTION"] = action, ["CRTOOLS_INIT_PID"] = Pid(init!.Value) });
            HostScript.Run(new LocalHostSession(), cmd, TimeSpan.FromSeconds(30), CancellationToken.None);
        }

        [Fact]
        public void Restop_stops_again_the_recorded_tasks_of_the_container_that_are_still_those_tasks_and_drops_the_record()
        {
            using var stranger = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
            try
            {
                Directory.CreateDirectory(Records);
                // The first child as recorded; the second under another start time (its pid used again); a process outside the tree.
                File.WriteAllText(RecordOf(_init.Id), $"{_children[0]} {Start(_children[0])}\n{_children[1]} 1\n{stranger.Id} {Start(stranger.Id)}\n");

                Run(new[] { "restop", Pid(_init.Id) });

                WaitFor(_children[0], s => s == 'T');
                Thread.Sleep(200);
                Assert.Equal('S', State(_children[1]));
                Assert.Equal('S', State(stranger.Id));
                Assert.False(File.Exists(RecordOf(_init.Id)));
            }
            finally { stranger.Kill(); stranger.WaitForExit(5000); }
        }

        [Fact]
        public void Restop_without_a_record_signals_nothing()
        {
            Run(new[] { "restop", Pid(_init.Id) });

            Thread.Sleep(200);
            Assert.All(_children, c => Assert.Equal('S', State(c)));
        }

        [Fact]
        public void A_stopped_task_that_is_not_frozen_is_left_alone_at_pre_dump()
        {
            // Continued while not frozen, it would run between the two signals.
            Signal("STOP", _children[0]);
            WaitFor(_children[0], s => s == 'T');

            Run(Array.Empty<string>(), "pre-dump", _init.Id);

            Assert.Equal('T', State(_children[0]));
            Assert.False(File.Exists(RecordOf(_init.Id)));
            Assert.DoesNotContain("40000", File.ReadAllLines($"/proc/{_children[0]}/status").Single(l => l.StartsWith("ShdPnd:", StringComparison.Ordinal)));
        }

        [Fact]
        public void A_frozen_stopped_task_gets_a_pending_sigstop_instead_of_its_stop_and_is_recorded()
        {
            const string freezers = "/sys/fs/cgroup/freezer";
            if (!Directory.Exists(freezers)) return; // a cgroup v2 machine: the lab's hosts are v1
            var cgroup = Path.Combine(freezers, "livemigrate-test-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(cgroup);
            try
            {
                Signal("STOP", _children[0]);
                WaitFor(_children[0], s => s == 'T');
                File.WriteAllText(Path.Combine(cgroup, "cgroup.procs"), Pid(_children[0]));
                File.WriteAllText(Path.Combine(cgroup, "freezer.state"), "FROZEN");
                WaitFor(_children[0], s => s == 'D');

                Run(Array.Empty<string>(), "pre-dump", _init.Id);

                // No stop in effect (CRIU's seize returns at once) but SIGSTOP (bit 19) pending, which CRIU dumps as "stopped".
                Assert.Equal($"{_children[0]} {Start(_children[0])}", File.ReadAllText(RecordOf(_init.Id)).Trim());
                Assert.EndsWith("40000", File.ReadAllLines($"/proc/{_children[0]}/status").Single(l => l.StartsWith("ShdPnd:", StringComparison.Ordinal)));
                Assert.Equal('S', State(_children[1]));
                File.WriteAllText(Path.Combine(cgroup, "freezer.state"), "THAWED");
                WaitFor(_children[0], s => s == 'T');
            }
            finally
            {
                File.WriteAllText(Path.Combine(cgroup, "freezer.state"), "THAWED");
                _init.Kill(entireProcessTree: true);
                _init.WaitForExit(5000);
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (File.ReadAllText(Path.Combine(cgroup, "cgroup.procs")).Trim().Length > 0 && DateTime.UtcNow < deadline) Thread.Sleep(20);
                Directory.Delete(cgroup);
            }
        }
    }
}
