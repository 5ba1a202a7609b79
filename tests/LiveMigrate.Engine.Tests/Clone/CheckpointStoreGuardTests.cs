using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Clone;
using LiveMigrate.Commands;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Transfer;
using Xunit;
using static LiveMigrate.Tests.Fakes.FakeHostSession;

namespace LiveMigrate.Tests.Clone
{
    /// <summary>
    /// Saved checkpoints and their restores take the container's lock, as migrations do, and a checkpoint sent to another
    /// host never writes over another one of the same name there unless asked to.
    /// </summary>
    public sealed class CheckpointStoreGuardTests
    {
        private const string Bundle = "/var/lib/containers/web";
        private const string Path = CheckpointStore.DefaultRoot + "/snap";
        private static readonly DateTimeOffset Saved = new DateTimeOffset(2026, 11, 28, 1, 2, 3, TimeSpan.Zero);
        private static readonly RuntimeOptions Options = new RuntimeOptions();

        /// <summary>A scripted host: who holds which lock, which paths exist, the checkpoint.json there, and what ran, in order.</summary>
        private sealed class Host
        {
            public Host(string name)
            {
                Session = new FakeHostSession(Answer, name: name);
                Store = new CheckpointStore(new RuncHost(Session, Options), Options);
            }

            public FakeHostSession Session { get; }
            public CheckpointStore Store { get; }
            public Dictionary<string, string> Locks { get; } = new();
            public HashSet<string> Existing { get; } = new();
            public string? Metadata { get; set; }
            public List<string> Did { get; } = new();

            private CommandResult Answer(CommandLine c)
            {
                var a = c.Arguments;
                if (a[0] == "sh" && a[3] == "sh" && a[2].Contains("mkdir"))
                {
                    if (Locks.TryGetValue(a[4], out var holder)) return Exit(3, holder);
                    Locks[a[4]] = a[5];
                    Did.Add("lock " + a[4]);
                    return Exit(0);
                }
                if (a[0] == "rm")
                {
                    Locks.Remove(a[^1]);
                    Existing.Remove(a[^1]);
                    Did.Add("rm " + a[^1]);
                    return Exit(0);
                }
                // CRIU's configuration file and its action script (RuncHost.DumpEnvironment) are there already.
                if (a[0] == "test") return Exit(Existing.Contains(a[^1]) || a[^1].StartsWith("/var/lib/livemigrate/bin/", StringComparison.Ordinal) ? 0 : 1);
                if (a[0] == "cat") return Metadata == null ? Exit(1, stderr: "cat: No such file or directory") : Exit(0, Metadata);
                if (a.Count > 1 && a[1] == "state") return Exit(0, "{\"id\":\"" + a[2] + "\",\"pid\":7,\"status\":\"running\",\"bundle\":\"" + Bundle + "\"}");
                if (a[0] == "sh" && a[3].EndsWith(".sh", StringComparison.Ordinal)) Did.Add(a[3]);
                return Exit(0, "frozen_ms=5\nbytes=100\n");
            }
        }

        private static string Metadata(string container, DateTimeOffset created, long bytes) =>
            $"{{\"container\":\"{container}\",\"bundle\":\"{Bundle}\",\"created\":\"{created:o}\",\"bytes\":{bytes},\"frozenMs\":5}}";

        private static CheckpointInfo Checkpoint(string host) => new CheckpointInfo("snap", host, Path, "web", Bundle, Saved, 100, TimeSpan.FromMilliseconds(5));

        [Fact]
        public void Saving_a_container_being_migrated_is_refused_before_it_is_paused()
        {
            var host = new Host("hostA");
            host.Locks["/var/lib/livemigrate/locks/web"] = "migration 20261128T010203-abcd1234 of web to hostB, by ops@ctl (process 7)";

            var ex = Assert.Throws<InvalidOperationException>(() => host.Store.Save("web", "snap", default));

            Assert.Contains("'web' on hostA is busy: migration 20261128T010203-abcd1234 of web to hostB", ex.Message);
            Assert.DoesNotContain("checkpoint-save.sh", host.Did);
        }

        [Fact]
        public void A_save_holds_the_containers_lock_and_releases_it()
        {
            var host = new Host("hostA");

            host.Store.Save("web", "snap", default);

            Assert.Equal(new[] { "lock /var/lib/livemigrate/locks/web", "checkpoint-save.sh", "rm /var/lib/livemigrate/locks/web" }, host.Did);
            Assert.Empty(host.Locks);
        }

        [Fact]
        public void A_restore_holds_the_new_names_lock_and_a_held_one_is_refused()
        {
            var host = new Host("hostB");
            host.Locks["/var/lib/livemigrate/locks/web-1"] = "restore of checkpoint other as web-1, by ops@ctl2 (process 8)";

            var ex = Assert.Throws<InvalidOperationException>(() => host.Store.Restore(Checkpoint("hostB"), "web-1", default));

            Assert.Contains("'web-1' on hostB is busy: restore of checkpoint other as web-1", ex.Message);
            Assert.DoesNotContain("checkpoint-expand.sh", host.Did);
        }

        [Fact]
        public void Sending_over_another_checkpoint_of_that_name_is_refused_and_leaves_it()
        {
            var (from, to) = (new Host("hostA"), new Host("hostC"));
            to.Existing.Add(Path);
            to.Metadata = Metadata("db", Saved.AddDays(-1), 999);
            var transport = new RecordingTransport();

            var ex = Assert.Throws<InvalidOperationException>(() => from.Store.SendTo(Checkpoint("hostA"), to.Store, transport, _ => { }, replace: false, default));

            Assert.Contains($"hostC already has a checkpoint named 'snap' at {Path} (of db, saved 2026-11-27 01:02:03 UTC); it was left as it is", ex.Message);
            Assert.Contains("give -Force to replace it", ex.Message);
            Assert.Empty(transport.Copies);
            Assert.DoesNotContain("rm " + Path, to.Did);
        }

        [Fact]
        public void With_replace_the_other_checkpoint_is_removed_before_the_copy()
        {
            var (from, to) = (new Host("hostA"), new Host("hostC"));
            to.Existing.Add(Path);
            var transport = new RecordingTransport();
            var said = new List<string>();

            from.Store.SendTo(Checkpoint("hostA"), to.Store, transport, said.Add, replace: true, default);

            Assert.Contains("rm " + Path, to.Did);
            Assert.Equal(new[] { Path }, transport.Copies.Single());
            Assert.Contains(said, s => s.Contains($"Replacing the checkpoint {Path} on hostC (that cannot be read as one)"));
        }

        [Fact]
        public void An_earlier_copy_of_the_same_checkpoint_is_refused_too_as_it_may_be_torn_or_changed()
        {
            var (from, to) = (new Host("hostA"), new Host("hostC"));
            to.Existing.Add(Path);
            to.Metadata = Metadata("web", Saved, 100);
            var transport = new RecordingTransport();

            var ex = Assert.Throws<InvalidOperationException>(() => from.Store.SendTo(Checkpoint("hostA"), to.Store, transport, _ => { }, replace: false, default));

            Assert.Contains("Restore from that one with -Host hostC, or give -Force to replace it with the one from hostA", ex.Message);
            Assert.Empty(transport.Copies);
        }
    }
}
