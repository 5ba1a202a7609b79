using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace LiveMigrate.Journal
{
    /// <summary>
    /// One JSON file per migration (ID.json) in a folder on the controller. Each save writes a temporary file,
    /// flushes it to disk and renames it over the old one, so a controller killed at any moment leaves either
    /// the previous record or the new one, never a torn file. A record steers what a resume removes as root on the hosts:
    /// the folder is its owner's alone (0700, its files 0600), and no file is written or read through a symbolic link.
    /// </summary>
    public sealed class FileJournalStore : IJournalStore
    {
        /// <summary>Overrides the default folder (tests, or a shared location).</summary>
        public const string FolderVariable = "LIVEMIGRATE_JOURNAL";

        private static readonly Regex SafeId = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
        };

        public FileJournalStore(string folder)
        {
            Folder = folder;
            CreateOwnFolder(folder);
        }

        public string Folder { get; }

        /// <summary>
        /// $LIVEMIGRATE_JOURNAL, else on Windows %LOCALAPPDATA%\LiveMigrate\journal, elsewhere
        /// $XDG_STATE_HOME/livemigrate/journal, else ~/.local/state/livemigrate/journal.
        /// </summary>
        public static string DefaultFolder(Func<string, string?> environment, bool onWindows)
        {
            var own = environment(FolderVariable);
            if (!string.IsNullOrEmpty(own)) return own!;
            if (onWindows)
            {
                var local = environment("LOCALAPPDATA");
                if (string.IsNullOrEmpty(local)) local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                return Path.Combine(local!, "LiveMigrate", "journal");
            }
            var state = environment("XDG_STATE_HOME");
            if (string.IsNullOrEmpty(state))
                state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
            return Path.Combine(state!, "livemigrate", "journal");
        }

        public void Save(MigrationJournalRecord record)
        {
            var path = PathOf(record.Id);
            var temp = path + ".tmp";
            var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Json));
            // A torn one a killed controller left, or a link planted there: unlinked, never followed. CreateNew
            // (O_EXCL) then refuses whatever appears at that name meanwhile, a symbolic link included.
            File.Delete(temp);
            using (var f = OpenOwn(temp, FileMode.CreateNew))
            {
                f.Write(bytes, 0, bytes.Length);
                f.Flush(flushToDisk: true);
            }
            if (File.Exists(path)) File.Replace(temp, path, null);
            else File.Move(temp, path);
        }

        public MigrationJournalRecord? Load(string id)
        {
            var path = PathOf(id);
            return File.Exists(path) ? Read(path) : null;
        }

        public IReadOnlyList<MigrationJournalRecord> List() =>
            Directory.EnumerateFiles(Folder, "*.json")
                .Select(Read)
                .OrderByDescending(r => r.StartedUtc).ThenByDescending(r => r.Id, StringComparer.Ordinal)
                .ToList();

        /// <summary>
        /// One resume of a record at a time on this machine: an exclusive lock (flock) on ID.json.resume.lock, which the
        /// system lets go when the process ends, however it ends. The file stays, empty.
        /// </summary>
        public IDisposable Claim(string id)
        {
            var path = PathOf(id) + ".resume.lock";
            RefuseLink(path);
            try { return OpenOwn(path, FileMode.OpenOrCreate); }
            catch (IOException ex) when (IsHeldElsewhere(ex))
            {
                throw new InvalidOperationException($"Migration {id} is being resumed already, by another Resume-Migration on this machine ({path} is locked). " +
                    $"Wait for it to end; Get-MigrationJournal {id} then shows how it ended.", ex);
            }
        }

        // flock's EWOULDBLOCK on Linux and on macOS; ERROR_SHARING_VIOLATION on Windows.
        private const int LinuxWouldBlock = 11, MacWouldBlock = 35, SharingViolation = 32;

        private static bool IsHeldElsewhere(IOException ex) =>
            ex.HResult == LinuxWouldBlock || ex.HResult == MacWouldBlock || (ex.HResult & 0xFFFF) == SharingViolation;

        private string PathOf(string id)
        {
            if (!SafeId.IsMatch(id ?? "")) throw new ArgumentException($"'{id}' is not a migration id (such as 20261128T010203-3f9c2a71).");
            return Path.Combine(Folder, id + ".json");
        }

        private static MigrationJournalRecord Read(string path)
        {
            RefuseLink(path);
            try
            {
                return JsonSerializer.Deserialize<MigrationJournalRecord>(File.ReadAllText(path), Json)
                    ?? throw new InvalidDataException($"The journal file {path} is empty.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"The journal file {path} is not a journal record: {ex.Message}", ex);
            }
        }

        /// <summary>lstat's view: a link is refused even when it leads nowhere (an open with O_CREAT would make its target).</summary>
        private static void RefuseLink(string path)
        {
            FileAttributes attributes;
            try { attributes = File.GetAttributes(path); }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException) { return; }
            if ((attributes & FileAttributes.ReparsePoint) != 0)
                throw new InvalidDataException($"The journal file {path} is a symbolic link; records are never read or written through one. Remove it.");
        }

#if NET8_0_OR_GREATER
        private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
#endif

        /// <summary>The folder 0700, also when it was there already (tightened); its parents, when new, too.</summary>
        private static void CreateOwnFolder(string folder)
        {
#if NET8_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder, OwnerOnly);
                if ((File.GetUnixFileMode(folder) & ~OwnerOnly) != 0) File.SetUnixFileMode(folder, OwnerOnly);
                return;
            }
#endif
            // Windows PowerShell, which loads the netstandard2.0 build: the user profile's ACLs keep it to its owner.
            Directory.CreateDirectory(folder);
        }

        /// <summary>A file of the folder, exclusively, created 0600.</summary>
        private static FileStream OpenOwn(string path, FileMode mode)
        {
#if NET8_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
                return new FileStream(path, new FileStreamOptions
                {
                    Mode = mode, Access = FileAccess.Write, Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
#endif
            return new FileStream(path, mode, FileAccess.Write, FileShare.None);
        }
    }
}
