using System.Collections.Generic;
using static LiveMigrate.Readiness.Checks.ReadinessChecks;

namespace LiveMigrate.Readiness.Checks
{
    /// <summary>Checks 5-6, on the pair: the destination's CPU and platform against the source's.</summary>
    internal static class PairChecks
    {
        public const string Cpu = "CPU", Platform = "Platform";

        public static IEnumerable<ReadinessResult> Judge(ReadinessEvidence e)
        {
            yield return Unavailable(Cpu, e.Pair, e.Cpu, "Not checked: both hosts must be reachable.") ??
                (e.Cpu.Value == null
                    ? new ReadinessResult(Cpu, e.Pair, ReadinessStatus.Pass, $"CRIU on {e.Destination.Name} accepts the CPU of {e.Source.Name} (criu cpuinfo dump, then cpuinfo check where it lands).")
                    : new ReadinessResult(Cpu, e.Pair, ReadinessStatus.Fail, $"CRIU on {e.Destination.Name} refuses the CPU of {e.Source.Name}: {e.Cpu.Value}",
                        "Move to a host with the same CPU model or a superset of its features; processes on the source may use instructions the destination lacks."));

            var s = e.Source.KnownFacts;
            var d = e.Destination.KnownFacts;
            if (s == null || d == null)
            {
                yield return new ReadinessResult(Platform, e.Pair, ReadinessStatus.Skipped, "Not compared: both hosts must be reachable.");
                yield break;
            }
            yield return s.Architecture == d.Architecture
                ? new ReadinessResult(Platform, e.Pair, ReadinessStatus.Pass, $"Both are {s.Architecture}.")
                : new ReadinessResult(Platform, e.Pair, ReadinessStatus.Fail, $"The source is {s.Architecture}, the destination {d.Architecture}: a process cannot change architecture.",
                    "Choose a destination of the same architecture.");
            yield return s.CgroupVersion == d.CgroupVersion
                ? new ReadinessResult(Platform, e.Pair, ReadinessStatus.Pass, $"Both use cgroup {s.CgroupVersion}.")
                : new ReadinessResult(Platform, e.Pair, ReadinessStatus.Fail, $"The source uses cgroup {s.CgroupVersion}, the destination cgroup {d.CgroupVersion}: runc restores into the cgroup layout it dumped from.",
                    "Choose a destination with the same cgroup version, or boot it with the same one (systemd.unified_cgroup_hierarchy=).");
            yield return s.Kernel == d.Kernel
                ? new ReadinessResult(Platform, e.Pair, ReadinessStatus.Pass, $"Both run kernel {s.Kernel}.")
                : new ReadinessResult(Platform, e.Pair, CompareVersions(d.Kernel, s.Kernel) < 0 ? ReadinessStatus.Warn : ReadinessStatus.Pass,
                    $"Kernel {s.Kernel} on the source, {d.Kernel} on the destination." +
                    (CompareVersions(d.Kernel, s.Kernel) < 0 ? " An older kernel may lack what the container's processes use (the canary shows CRIU itself works there)." : ""),
                    CompareVersions(d.Kernel, s.Kernel) < 0 ? "Prefer a destination with the same or a newer kernel." : null);
        }
    }
}
