using System.Threading;
using LiveMigrate.Readiness;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>
    /// Engine bug (ReadinessProbe.cs Inspect/Script, Scripts/container-inspect.sh line 7): the script prints its reason as
    /// "error=..." on stdout and exits 1, but Script() uses RunChecked, which throws with stderr only, so ContainerFacts.Parse's
    /// error branch never runs and the Processes row says only that the whole script exited with code 1.
    /// </summary>
    public sealed class ScriptFailureReasonBugTests
    {
        [Fact]
        public void A_container_without_processes_is_reported_with_the_script_s_reason()
        {
            // runc lists no processes (RuncRuntime.Processes); the script then says so.
            var session = new FakeHostSession(c => c.Arguments[0] == "runc" ? FakeHostSession.Exit(0, "null\n") : FakeHostSession.Exit(1, "error=runc ps web listed no processes\n"));
            var container = new ContainerInfo("web", ContainerStatus.Running, 4242, Given.BundlePath, null, Given.Src);

            var ex = Record.Exception(() => new ReadinessProbe(new ReadinessRequest()).Inspect(session, container, CancellationToken.None));

            Assert.NotNull(ex);
            // The whole script is in the message too (as the failed command), so look for the name filled in.
            Assert.Contains("runc ps web listed no processes", ex!.Message);
        }
    }
}
