using System;

namespace LiveMigrate.Migration
{
    /// <summary>
    /// What a migration tells its caller as it goes. The engine calls it on the thread that called
    /// <see cref="MigrationEngine.Move"/>, so a cmdlet may write progress from it directly.
    /// </summary>
    public interface IMigrationObserver
    {
        void PhaseStarted(MigrationPhase phase, string description);
        void PhaseCompleted(MigrationPhase phase, TimeSpan duration);
        void TransferProgress(long bytes);
        void Message(string text);
    }

    public sealed class NullMigrationObserver : IMigrationObserver
    {
        public static readonly NullMigrationObserver Instance = new NullMigrationObserver();
        public void PhaseStarted(MigrationPhase phase, string description) { }
        public void PhaseCompleted(MigrationPhase phase, TimeSpan duration) { }
        public void TransferProgress(long bytes) { }
        public void Message(string text) { }
    }
}
