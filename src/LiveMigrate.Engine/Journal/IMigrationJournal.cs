using LiveMigrate.Migration;

namespace LiveMigrate.Journal
{
    /// <summary>
    /// Where the engine records each migration as it goes, so that a migration whose controller died can be
    /// finished or rolled back later. One journal serves concurrent migrations (a plan's wave), told apart by id.
    /// The engine never fails a migration because the journal could not be written: it reports it and goes on.
    /// </summary>
    public interface IMigrationJournal
    {
        void Started(string migrationId, string container, string source, string destination, MigrationMode mode, BundleSync bundleSync, MigrationPaths paths);
        /// <summary>Paths chosen inside a phase, before it puts anything there (the bundle, before Delta copies it ahead).</summary>
        void PathsChosen(string migrationId, MigrationPaths paths);
        void PhaseStarted(string migrationId, MigrationPhase phase, MigrationPaths paths);
        void PhaseCompleted(string migrationId, MigrationPhase phase, MigrationPaths paths);
        void Finished(MigrationResult result);
    }
}
