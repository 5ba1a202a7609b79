using System;
using System.IO;
using System.Linq;
using System.Reflection;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Desktop
{
    /// <summary>
    /// Windows PowerShell 5.1 loads LiveMigrate.dll and desktop/ (netstandard2.0 builds) on .NET Framework 4.7.2 or
    /// later. Without a Windows machine to run them on, every type and member they reference is resolved against
    /// 4.7.2's reference assemblies, so an API that .NET Framework lacks fails here instead of on a user's machine.
    /// Needs the laid-out module: build.ps1 Build (or $LIVEMIGRATE_MODULE).
    /// </summary>
    public class DesktopBuildApiTests
    {
        private static readonly string Module =
            Environment.GetEnvironmentVariable("LIVEMIGRATE_MODULE") is { Length: > 0 } m ? m : RepositoryFiles.Path("out/LiveMigrate");

        private static readonly string ReferenceAssemblies = typeof(DesktopBuildApiTests).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Net472ReferenceAssemblies").Value!;

        private static FrameworkApiCheck Net472(string shipped) => new FrameworkApiCheck(
            new[] { ReferenceAssemblies, Path.Combine(ReferenceAssemblies, "Facades"), shipped },
            providedByHost: new[] { "System.Management.Automation" });

        private static string Desktop => Path.Combine(Module, "desktop");

        [Fact]
        public void Every_reference_of_the_desktop_build_resolves_on_NET_Framework_472()
        {
            Assert.True(File.Exists(Path.Combine(Module, "LiveMigrate.dll")), $"No module laid out at {Module}: run build.ps1 Build first.");
            using var check = Net472(Desktop);
            // The cmdlets' assembly and everything shipped beside it for Windows PowerShell.
            var assemblies = new[] { Path.Combine(Module, "LiveMigrate.dll") }.Concat(Directory.GetFiles(Desktop, "*.dll")).ToList();

            var problems = assemblies.SelectMany(a => check.Unresolved(a).Select(p => Path.GetFileName(a) + ": " + p)).ToList();

            Assert.True(assemblies.Count >= 10, "desktop/ holds the engine and its dependencies");
            Assert.True(problems.Count == 0, "Missing on .NET Framework 4.7.2:\n" + string.Join("\n", problems));
        }

        [Fact]
        public void An_API_that_NET_Framework_lacks_is_reported()
        {
            // The net8.0 engine uses what .NET Framework has not: string.TrimEnd(char) (4.7.2 has only TrimEnd(params char[])),
            // Unix file modes for the journal.
            var core = Path.Combine(Module, "core");
            Assert.True(Directory.Exists(core), $"No module laid out at {Module}: run build.ps1 Build first.");
            using var check = Net472(core);

            var problems = check.Unresolved(Path.Combine(core, "LiveMigrate.Engine.dll"));

            Assert.Contains("method System.String::TrimEnd System.String <0>(System.Char)", problems);
            Assert.Contains(problems, p => p.StartsWith("type System.IO.UnixFileMode", StringComparison.Ordinal));
        }
    }
}
