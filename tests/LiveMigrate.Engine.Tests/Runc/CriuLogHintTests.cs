using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>Causes CRIU's own words do not make plain, each seen on these machines, named with their fix.</summary>
    public sealed class CriuLogHintTests
    {
        [Theory]
        // CRIU 4.1.1, kernel 6.18: a listening TCP socket.
        [InlineData("(00.050000) Error (criu/sockets.c:492): sockets: Can't get 1:16 opt: Operation not supported", "Install CRIU 4.2 or newer")]
        // CRIU 4.2.1 with --tcp-established: a client's connect not yet accepted when the server froze.
        [InlineData("(01.124195) Error (criu/sk-inet.c:185): inet: In-flight connection (l) for 11581d", "'skip-in-flight' in /etc/criu/runc.conf")]
        // CRIU 4.2.1 restoring a read-only root.
        [InlineData("(00.062830)      1: Error (criu/mount.c:2955): mnt: Can't create a temporary directory: Read-only file system", "tmpfs mount at /tmp")]
        public void Names_the_cause_and_the_fix(string logLine, string fix)
        {
            Assert.Contains(fix, CriuLog.Hint("(00.000001) Version: 4.2.1\n" + logLine + "\n(00.2) Error (criu/cr-dump.c:1975): Dumping FAILED.\n"));
        }

        [Fact]
        public void Says_nothing_of_a_cause_it_does_not_know()
        {
            Assert.Null(CriuLog.Hint("(00.1) Error (criu/cr-restore.c:2331): Restoring FAILED."));
        }
    }
}
