using System;
using System.IO;
using LiveMigrate.Journal;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    /// <summary>
    /// The journal steers what a resume removes as root on the hosts: its folder and files are the owner's alone, nothing
    /// is written or read through a symbolic link, and one resume of a record at a time holds it.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public sealed class FileJournalStoreSafetyTests : IDisposable
    {
        private const string Id = "20261128T010203-3f9c2a71";
        private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        private readonly TempDirectory _dir = new TempDirectory();
        private string Folder => Path.Combine(_dir.Path, "state", "journal");

        public void Dispose() => _dir.Dispose();

        private static MigrationJournalRecord Record() => new MigrationJournalRecord { Id = Id, Container = "web", StartedUtc = DateTime.UtcNow };

        [UnixFact]
        public void A_new_folder_is_0700_and_a_record_0600()
        {
            var store = new FileJournalStore(Folder);
            store.Save(Record());

            Assert.Equal(OwnerAll, File.GetUnixFileMode(Folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Folder, Id + ".json")));
        }

        [UnixFact]
        public void An_existing_folder_open_to_others_is_tightened()
        {
            Directory.CreateDirectory(Folder);
            File.SetUnixFileMode(Folder, OwnerAll | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

            new FileJournalStore(Folder);

            Assert.Equal(OwnerAll, File.GetUnixFileMode(Folder));
        }

        [UnixFact]
        public void A_link_planted_at_the_temporary_file_is_not_followed()
        {
            var store = new FileJournalStore(Folder);
            var victim = _dir.File("victim");
            File.WriteAllText(victim, "keep me");
            File.CreateSymbolicLink(Path.Combine(Folder, Id + ".json.tmp"), victim);

            store.Save(Record());

            Assert.Equal("keep me", File.ReadAllText(victim));
            Assert.Equal("web", store.Load(Id)!.Container);
        }

        [UnixFact]
        public void A_link_planted_at_a_temporary_file_that_leads_nowhere_creates_nothing()
        {
            var store = new FileJournalStore(Folder);
            var target = _dir.File("made-by-the-link");
            File.CreateSymbolicLink(Path.Combine(Folder, Id + ".json.tmp"), target);

            store.Save(Record());

            Assert.False(File.Exists(target));
        }

        [UnixFact]
        public void A_record_that_is_a_link_is_refused()
        {
            var store = new FileJournalStore(Folder);
            var elsewhere = _dir.File("elsewhere.json");
            File.WriteAllText(elsewhere, "{\"Id\": \"" + Id + "\", \"Container\": \"web\"}");
            File.CreateSymbolicLink(Path.Combine(Folder, Id + ".json"), elsewhere);

            var ex = Assert.Throws<InvalidDataException>(() => store.Load(Id));

            Assert.Contains($"{Id}.json is a symbolic link; records are never read or written through one. Remove it.", ex.Message);
        }

        [UnixFact]
        public void A_claim_through_a_link_is_refused()
        {
            var store = new FileJournalStore(Folder);
            var target = _dir.File("made-by-the-claim");
            File.CreateSymbolicLink(Path.Combine(Folder, Id + ".json.resume.lock"), target);

            Assert.Throws<InvalidDataException>(() => store.Claim(Id));

            Assert.False(File.Exists(target));
        }

        [Fact]
        public void A_record_is_claimed_by_one_resume_at_a_time()
        {
            var store = new FileJournalStore(Folder);
            var other = new FileJournalStore(Folder);

            using (store.Claim(Id))
            {
                var ex = Assert.Throws<InvalidOperationException>(() => other.Claim(Id));
                Assert.Contains($"Migration {Id} is being resumed already, by another Resume-Migration on this machine", ex.Message);
                using (other.Claim("20261128T010203-00000002")) { }
            }

            using (other.Claim(Id)) { }
        }
    }
}
