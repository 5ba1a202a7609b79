using System;
using System.Collections.Generic;

namespace LiveMigrate.Runc
{
    /// <summary>How runc and CRIU are called on every host.</summary>
    public sealed class RuntimeOptions
    {
        public string RuncPath { get; set; } = "runc";
        public string CriuPath { get; set; } = "criu";
        /// <summary>The page guard program on this machine, sent to a destination that lacks this build of it.</summary>
        public string PageGuardPath { get; set; } = PageGuard.DefaultLocalPath;
        /// <summary>Where hosts keep the programs LiveMigrate sends them.</summary>
        public string ToolRoot { get; set; } = "/var/lib/livemigrate/bin";
        /// <summary>The longest a post-copy page transfer may take after the restore.</summary>
        public TimeSpan PageTransferTimeout { get; set; } = TimeSpan.FromMinutes(30);

        /// <summary>
        /// Passed to runc, which hands it to criu. CRIU_FAULT=130 ("no breakpoints") makes CRIU's parasite
        /// cure use syscall tracing instead of hardware breakpoints, which never fire on some VMs and hang
        /// the dump forever; it costs little where breakpoints do work.
        /// </summary>
        public IDictionary<string, string> CriuEnvironment { get; private set; } = new Dictionary<string, string> { ["CRIU_FAULT"] = "130" };

        /// <summary>Short runc calls (state, list, delete) and file operations.</summary>
        public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>A checkpoint or restore: CRIU can hang silently, so every call is bounded.</summary>
        public TimeSpan CriuTimeout { get; set; } = TimeSpan.FromMinutes(5);

        public RuntimeOptions Copy()
        {
            var copy = (RuntimeOptions)MemberwiseClone();
            copy.CriuEnvironment = new Dictionary<string, string>(CriuEnvironment);
            return copy;
        }
    }
}
