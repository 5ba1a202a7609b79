using System;

namespace LiveMigrate.Migration
{
    /// <summary>A migration failed; <see cref="Result"/> says where the container runs now.</summary>
    public sealed class MigrationException : Exception
    {
        public MigrationException(string message, MigrationResult result, MigrationPhase failedPhase, Exception cause, Exception? rollbackError)
            : base(message, cause)
        {
            Result = result;
            FailedPhase = failedPhase;
            RollbackError = rollbackError;
        }

        public MigrationResult Result { get; }
        public MigrationPhase FailedPhase { get; }
        public Exception? RollbackError { get; }
    }
}
