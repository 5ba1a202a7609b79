using System;
using System.IO;
using System.Runtime.InteropServices;
using LiveMigrate.Journal;

namespace LiveMigrate.PowerShell
{
    /// <summary>The journal folder of this controller (see <see cref="FileJournalStore.DefaultFolder"/>).</summary>
    internal static class ControllerJournal
    {
        public static string Folder => FileJournalStore.DefaultFolder(Environment.GetEnvironmentVariable, RuntimeInformation.IsOSPlatform(OSPlatform.Windows));

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
