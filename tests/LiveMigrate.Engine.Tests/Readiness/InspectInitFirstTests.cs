using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Readiness;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>
    /// runc ps lists a container's processes in its cgroup's order, which after a restore need not start with the init;
    /// container-inspect.sh takes the first pid for the init and would call the real init a task outside its tree.
    /// </summary>
    public sealed class InspectInitFirstTests
    {
        [Fact]
        public void The_inspect_script_gets_the_init_first_whatever_order_runc_lists()
        {
            IReadOnlyList<string>? scriptArguments = null;
            var session = new FakeHostSession(c =>
            {
                if (c.Arguments[0] == "runc") return FakeHostSession.Exit(0, "[5000,4242,5001]\n");
                scriptArguments = c.Arguments.ToList();
                return FakeHostSession.Exit(0, "pids=4242 5000 5001\n");
            });
            var container = new ContainerInfo("web", ContainerStatus.Running, 4242, Given.BundlePath, null, Given.Src);

            new ReadinessProbe(new ReadinessRequest()).Inspect(session, container, CancellationToken.None);

            Assert.NotNull(scriptArguments);
            var name = scriptArguments!.ToList().LastIndexOf("web");
            Assert.Equal(new[] { "4242", "5000", "5001" }, scriptArguments.Skip(name + 2).ToArray());
        }
    }
}
