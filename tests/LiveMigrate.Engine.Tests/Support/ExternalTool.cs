using System.Diagnostics;
using Xunit;

namespace LiveMigrate.Tests.Support
{
    /// <summary>Runs a tool on this machine (ssh-keygen) with an argument vector, never through a shell.</summary>
    public static class ExternalTool
    {
        public static string Run(string program, params string[] args)
        {
            var psi = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(20_000), $"{program} did not finish");
            Assert.True(p.ExitCode == 0, $"{program} {string.Join(" ", args)} exited {p.ExitCode}: {stderr}");
            return stdout.Result;
        }
    }
}
