using System;
using System.IO;
using LiveMigrate.Journal;

namespace LiveMigrate.Commands.Journal
{
    /// <summary>The journal folder of this controller: $LIVEMIGRATE_JOURNAL, $XDG_STATE_HOME/livemigrate/journal or ~/.local/state/livemigrate/journal.</summary>
    internal static class ControllerJournal
    {
        public static string Folder => FileJournalStore.DefaultFolder(Environment.GetEnvironmentVariable);

        public static FileJournalStore Store()
        {
            var folder = Folder;
            try { return new FileJournalStore(folder); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new InvalidOperationException(
                    $"The migration journal folder {folder} cannot be used: {ex.Message} Set $env:{FileJournalStore.FolderVariable} to a folder this user can write.", ex);
            }
        }

        /// <summary>A journal for the migrations about to run; one serves many at once (a plan's wave).</summary>
        public static IMigrationJournal Open() => new MigrationJournal(Store());
    }
}
