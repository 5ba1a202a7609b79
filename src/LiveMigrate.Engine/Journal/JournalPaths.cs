using System;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;
using LiveMigrate.Runc;

namespace LiveMigrate.Journal
{
    /// <summary>
    /// The paths of a journal record are only ever where a migration of its container puts them: its image folder under the
    /// image root, its locks under the lock root. A record is a file on the controller, and a resume removes these paths
    /// as root on the hosts; the bundle, which runc names, is checked against runc's own report on the hosts.
    /// </summary>
    public static class JournalPaths
    {
        public static void Validate(MigrationJournalRecord record, MigrationOptions options)
        {
            var name = record.Container;
            if (record.ImageDir.Length > 0 && !IsImageDir(record.ImageDir, options.ImageRoot, name))
                throw Refused(record, "image folder", record.ImageDir, $"{options.ImageRoot}/{name}-ID",
                    "If the migration ran with another -ImageRoot, give Resume-Migration the same -ImageRoot.");
            var lockDir = ContainerLock.PathOf(options.LockRoot, name);
            foreach (var (what, path) in new[] { ("lock", record.LockDir), ("destination lock", record.DestinationLockDir) })
            {
                if (path.Length > 0 && path != lockDir) throw Refused(record, what, path, lockDir, "");
            }
            if (record.Bundle.Length > 0 && !HostPath.IsSafeAbsolute(record.Bundle))
                throw Refused(record, "bundle", record.Bundle, "an absolute path without '.' or '..' parts", "");
        }

        private static bool IsImageDir(string path, string root, string name)
        {
            if (!HostPath.IsSafeAbsolute(path)) return false;
            var prefix = root.TrimEnd('/') + "/" + name + "-";
            var id = path.StartsWith(prefix, StringComparison.Ordinal) ? path.Substring(prefix.Length) : "";
            return id.Length > 0 && id.IndexOf('/') < 0;
        }

        private static InvalidOperationException Refused(MigrationJournalRecord record, string what, string path, string expected, string hint) =>
            new InvalidOperationException($"Migration {record.Id}'s record names the {what} '{path}', where a migration of '{record.Container}' uses {expected}; " +
                $"it is not resumed, since a resume removes that path on the hosts. {(hint.Length > 0 ? hint + " " : "")}" +
                "Otherwise the record was changed: end the migration by hand (Get-MigrationJournal shows the record).");
    }
}
