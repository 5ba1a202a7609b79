using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    public sealed class FileJournalStoreTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly FileJournalStore _store;

        public FileJournalStoreTests() { _store = new FileJournalStore(Path.Combine(_dir.Path, "state", "journal")); }

        public void Dispose() => _dir.Dispose();

        private static MigrationJournalRecord Record(string id, DateTime started) => new MigrationJournalRecord
        {
            Id = id, Container = "web", Source = "root@10.0.0.5:22", Destination = "root@10.0.0.6:22", Mode = MigrationMode.PostCopy,
            Bundle = "/var/lib/containers/web", ImageDir = "/var/lib/livemigrate/images/web-" + id,
            LockDir = "/var/lib/livemigrate/locks/web", StartedUtc = started, Controller = "ops@ctl", ControllerMachine = "ctl", ControllerProcessId = 42,
            Phases = new List<JournalPhase>
            {
                new JournalPhase { Phase = MigrationPhase.Prepare, StartedUtc = started, CompletedUtc = started.AddSeconds(1) },
                new JournalPhase { Phase = MigrationPhase.Checkpoint, StartedUtc = started.AddSeconds(1) },
            },
        };

        [Fact]
        public void A_record_reads_back_as_written()
        {
            var started = new DateTime(2026, 11, 28, 1, 2, 3, DateTimeKind.Utc);
            _store.Save(Record("20261128T010203-3f9c2a71", started));

            var r = _store.Load("20261128T010203-3f9c2a71")!;

            Assert.Equal(("web", "root@10.0.0.5:22", "root@10.0.0.6:22", MigrationMode.PostCopy), (r.Container, r.Source, r.Destination, r.Mode));
            Assert.Equal(("/var/lib/containers/web", "/var/lib/livemigrate/locks/web"), (r.Bundle, r.LockDir));
            Assert.EndsWith("/web-20261128T010203-3f9c2a71", r.ImageDir);
            Assert.Equal(started, r.StartedUtc);
            Assert.Equal(MigrationPhase.Checkpoint, r.LastPhase);
            Assert.True(r.Completed(MigrationPhase.Prepare));
            Assert.False(r.Completed(MigrationPhase.Checkpoint));
            Assert.Null(r.Status);
            Assert.False(r.IsFinished);
            Assert.Equal("Interrupted", r.State);
        }

        [Fact]
        public void The_file_is_readable_json_with_names_not_numbers()
        {
            _store.Save(Record("20261128T010203-3f9c2a71", DateTime.UtcNow));

            var text = File.ReadAllText(Path.Combine(_store.Folder, "20261128T010203-3f9c2a71.json"));

            Assert.Contains("\"Mode\": \"PostCopy\"", text);
            Assert.Contains("\"Phase\": \"Checkpoint\"", text);
            Assert.DoesNotContain("LastPhase", text);
        }

        [Fact]
        public void A_save_replaces_the_file_whole_and_leaves_no_temporary_file()
        {
            var r = Record("20261128T010203-3f9c2a71", DateTime.UtcNow);
            _store.Save(r);
            r.Status = MigrationStatus.Succeeded;

            _store.Save(r);

            Assert.Equal(new[] { "20261128T010203-3f9c2a71.json" }, Directory.GetFiles(_store.Folder).Select(Path.GetFileName));
            Assert.Equal(MigrationStatus.Succeeded, _store.Load(r.Id)!.Status);
        }

        [Fact]
        public void A_save_that_fails_half_way_keeps_the_previous_record()
        {
            var r = Record("20261128T010203-3f9c2a71", DateTime.UtcNow);
            _store.Save(r);
            // What a controller killed while writing leaves: a torn temporary file beside the record.
            File.WriteAllText(Path.Combine(_store.Folder, r.Id + ".json.tmp"), "{\"Id\": \"2026");

            Assert.Equal(MigrationPhase.Checkpoint, _store.Load(r.Id)!.LastPhase);
            Assert.Single(_store.List());
        }

        [Fact]
        public void Lists_newest_first()
        {
            var t = new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc);
            _store.Save(Record("a-1", t));
            _store.Save(Record("c-3", t.AddHours(2)));
            _store.Save(Record("b-2", t.AddHours(1)));

            Assert.Equal(new[] { "c-3", "b-2", "a-1" }, _store.List().Select(r => r.Id));
        }

        [Fact]
        public void An_unknown_id_has_no_record()
        {
            Assert.Null(_store.Load("20261128T010203-00000000"));
        }

        [Theory]
        [InlineData("../etc/passwd")]
        [InlineData("a/b")]
        [InlineData("")]
        public void An_id_that_is_not_one_is_refused(string id)
        {
            var ex = Assert.Throws<ArgumentException>(() => _store.Load(id));
            Assert.Contains("is not a migration id", ex.Message);
        }

        [Fact]
        public void A_file_that_is_no_record_is_named()
        {
            File.WriteAllText(Path.Combine(_store.Folder, "x-1.json"), "not json");

            var ex = Assert.Throws<InvalidDataException>(() => _store.List());

            Assert.Contains("x-1.json is not a journal record", ex.Message);
        }

        [Theory]
        [InlineData("/tmp/j", "/state", "/tmp/j")]
        [InlineData(null, "/state", "/state/livemigrate/journal")]
        [InlineData("", "", "~/.local/state/livemigrate/journal")]
        public void The_default_folder_follows_the_environment(string? own, string? xdg, string expected)
        {
            var env = new Dictionary<string, string?> { [FileJournalStore.FolderVariable] = own, ["XDG_STATE_HOME"] = xdg };
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

            Assert.Equal(expected.Replace("~", home), FileJournalStore.DefaultFolder(n => env.TryGetValue(n, out var v) ? v : null, onWindows: false));
        }

        [Theory]
        [InlineData("/tmp/j", "/tmp/j")]
        [InlineData(null, @"C:\Users\ada\AppData\Local|LiveMigrate|journal")]
        public void On_Windows_the_default_folder_is_under_LOCALAPPDATA(string? own, string expected)
        {
            var env = new Dictionary<string, string?>
            {
                [FileJournalStore.FolderVariable] = own, ["XDG_STATE_HOME"] = "/state", ["LOCALAPPDATA"] = @"C:\Users\ada\AppData\Local",
            };

            Assert.Equal(Path.Combine(expected.Split('|')), FileJournalStore.DefaultFolder(n => env.TryGetValue(n, out var v) ? v : null, onWindows: true));
        }
    }
}
