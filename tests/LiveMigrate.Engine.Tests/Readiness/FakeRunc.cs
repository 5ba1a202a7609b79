using System;
using System.IO;
using LiveMigrate.Tests.Support;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>A shell script in a temp folder that answers the runc calls of the readiness scripts as told.</summary>
    internal sealed class FakeRunc : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        /// <summary>Each argument is the shell body run for that runc subcommand ($3 of checkpoint is the image folder).</summary>
        public FakeRunc(string run = "exit 0", string checkpoint = "exit 0", string restore = "exit 0", string ps = "exit 0")
        {
            Path = _dir.File("runc");
            File.WriteAllText(Path,
                "#!/bin/sh\n[ \"$1\" = --log ] && shift 2\ncase $1 in\n" +
                $"  run) {run} ;;\n  checkpoint) {checkpoint} ;;\n  restore) {restore} ;;\n  ps) {ps} ;;\n" +
                "  state) printf '{\\n  \"id\": \"%s\",\\n  \"status\": \"running\"\\n}\\n' \"$2\" ;;\n  delete) exit 0 ;;\nesac\n");
            ExternalTool.Run("chmod", "+x", Path);
            ImageRoot = Directory.CreateDirectory(_dir.File("images")).FullName;
        }

        public string Path { get; }
        public string ImageRoot { get; }

        /// <summary>A step that hangs; exec, so that timeout's signal reaches the sleep and nothing keeps the output open.</summary>
        public const string Hang = "exec sleep 30";

        public void Dispose() => _dir.Dispose();
    }
}
