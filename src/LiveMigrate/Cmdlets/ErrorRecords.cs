using System;
using System.IO;
using System.Management.Automation;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Every error a script can catch: an exception, a stable ErrorId, a category and a target.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(Exception ex, object? target)
        {
            var (id, category) = Classify(ex);
            return new ErrorRecord(ex, id, category, target);
        }

        /// <summary>An InvalidArgument record when <paramref name="value"/> breaks runc's name rule (containers and checkpoints share it); null when it is valid.</summary>
        public static ErrorRecord? InvalidName(string what, string? value) =>
            value == null || Runc.ContainerName.IsValid(value) ? null
                : From(new ArgumentException($"'{value}' is not a valid {what} name: runc accepts only ASCII letters, digits and _ + , - . (not '.' or '..')."), value);

        private static (string id, ErrorCategory category) Classify(Exception ex) => ex switch
        {
            HostKeyException hk when hk.Status == HostKeyStatus.Unknown => ("HostKeyUnknown", ErrorCategory.SecurityError),
            HostKeyException hk when hk.Status == HostKeyStatus.Revoked => ("HostKeyRevoked", ErrorCategory.SecurityError),
            HostKeyException _ => ("HostKeyChanged", ErrorCategory.SecurityError),
            LiveMigrate.Readiness.ReadinessFailedException rf when rf.WarningsOnly => ("ReadinessWarning", ErrorCategory.InvalidOperation),
            LiveMigrate.Readiness.ReadinessFailedException _ => ("ReadinessFailed", ErrorCategory.InvalidOperation),
            HostConnectionException _ => ("HostConnectionFailed", ErrorCategory.ConnectionError),
            FileNotFoundException _ => ("FileNotFound", ErrorCategory.ObjectNotFound),
            MigrationException me when me.Result.Status == MigrationStatus.Aborted => ("MigrationAborted", ErrorCategory.InvalidOperation),
            MigrationException me when me.Result.Status == MigrationStatus.RolledBack => ("MigrationRolledBack", ErrorCategory.OperationStopped),
            MigrationException _ => ("MigrationFailed", ErrorCategory.ResourceUnavailable),
            CommandFailedException cf when cf.TimedOut => ("HostCommandTimedOut", ErrorCategory.OperationTimeout),
            CommandFailedException _ => ("HostCommandFailed", ErrorCategory.InvalidResult),
            OperationCanceledException _ => ("OperationCancelled", ErrorCategory.OperationStopped),
            ArgumentException _ => ("InvalidArgument", ErrorCategory.InvalidArgument),
            PlatformNotSupportedException _ => ("PlatformNotSupported", ErrorCategory.NotEnabled),
            NotSupportedException _ => ("NotSupported", ErrorCategory.NotImplemented),
            FormatException _ => ("InvalidArgument", ErrorCategory.InvalidArgument),
            InvalidOperationException _ => ("InvalidOperation", ErrorCategory.InvalidOperation),
            _ => ("UnexpectedError", ErrorCategory.NotSpecified),
        };
    }
}
