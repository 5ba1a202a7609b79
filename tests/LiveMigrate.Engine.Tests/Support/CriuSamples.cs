namespace LiveMigrate.Tests.Support
{
    /// <summary>
    /// Output captured from runc 1.1.5 and CRIU 4.1.1 on the lab machine: a `runc checkpoint` that failed because the
    /// container's fd 2 pointed at a file outside it.
    /// </summary>
    public static class CriuSamples
    {
        public const string DumpLogPath = "/tmp/lmprobe/img/dump.log";

        /// <summary>runc's stderr: logrus's text format quotes msg and escapes its newline as the two characters \n.</summary>
        public const string RuncCheckpointStderr =
            "time=\"2026-11-27T23:40:56Z\" level=error msg=\"container still running\"\n" +
            "time=\"2026-11-27T23:40:56Z\" level=error msg=\"criu failed: type NOTIFY errno 0\\nlog file: " + DumpLogPath + "\"\n";

        /// <summary>An excerpt of that dump.log.</summary>
        public const string DumpLog =
            "(00.057889) Dumping processes (pid: 11783 comm: sleep)\n" +
            "(00.057890) ========================================\n" +
            "(00.057900) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted\n" +
            "(00.057907) Running pre-dump scripts\n" +
            "(00.057908) \tRPC\n" +
            "(00.077307) Warn  (compel/arch/x86/src/lib/infect.c:418): Will restore 11783 with interrupted system call\n" +
            "(00.079625) 11783 fdinfo 1: pos:                0 flags:           100002/0\n" +
            "(00.079661) 11783 fdinfo 2: pos:                0 flags:           100001/0\n" +
            "(00.079680) Error (criu/files-reg.c:1790): Can't lookup mount=27 for fd=2 path=/tmp/lmprobe/err.txt\n" +
            "(00.079685) ----------------------------------------\n" +
            "(00.079704) Error (criu/cr-dump.c:1681): Dump files (pid: 11783) failed with -1\n" +
            "(00.079765) Waiting for 11783 to trap\n" +
            "(00.149984) Unfreezing tasks into 1\n" +
            "(00.150003) \tUnseizing 11783 into 1\n" +
            "(00.150033) Error (criu/cr-dump.c:2111): Dumping FAILED.\n";

        public const string DumpLogCause = "(00.079680) Error (criu/files-reg.c:1790): Can't lookup mount=27 for fd=2 path=/tmp/lmprobe/err.txt";
    }
}
