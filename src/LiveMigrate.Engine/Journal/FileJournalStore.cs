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
    /// the previous record or the new one, never a torn file.
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
            Directory.CreateDirectory(folder);
        }

        public string Folder { get; }

        /// <summary>$LIVEMIGRATE_JOURNAL, else $XDG_STATE_HOME/livemigrate/journal, else ~/.local/state/livemigrate/journal.</summary>
        public static string DefaultFolder(Func<string, string?> environment)
        {
            var own = environment(FolderVariable);
            if (!string.IsNullOrEmpty(own)) return own!;
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
            using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
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

        private string PathOf(string id)
        {
            if (!SafeId.IsMatch(id ?? "")) throw new ArgumentException($"'{id}' is not a migration id (such as 20261128T010203-3f9c2a71).");
            return Path.Combine(Folder, id + ".json");
        }

        private static MigrationJournalRecord Read(string path)
        {
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
    }
}
