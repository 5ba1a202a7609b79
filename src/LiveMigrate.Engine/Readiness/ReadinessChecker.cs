using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;

namespace LiveMigrate.Readiness
{
    /// <summary>
    /// Runs the probes of both hosts at once (each host's own probes in order, since the canary needs its
    /// facts), then judges every check from what they found. Probes report failures; they never stop the run.
    /// </summary>
    public sealed class ReadinessChecker
    {
        private readonly IReadinessProbe _probe;

        public ReadinessChecker(IReadinessProbe probe) { _probe = probe; }

        /// <summary>Raised as each probe finishes, for progress, on the thread that ran it (several run at once).</summary>
        public event Action<string>? ProbeFinished;

        public IReadOnlyList<ReadinessResult> Run(ReadinessRequest request, ReadinessHost source, ReadinessHost destination, CancellationToken ct)
        {
            var evidence = new ReadinessEvidence(request, source, destination);
            var work = new List<Task> { Task.Run(() => ProbeHost(evidence.Source, request, ct)), Task.Run(() => ProbeHost(evidence.Destination, request, ct)) };
            var bandwidth = Outcome<IBandwidthSample>.NotRun;
            Task? removal = null;
            if (source.Session is { } s && destination.Session is { } d)
            {
                work.Add(Task.Run(() => evidence.Cpu = Probe($"CPU {evidence.Pair}", () => _probe.CheckCpu(s, d, ct))));
                if (request.ContainerName is { } name) work.Add(Task.Run(() => ProbeContainer(evidence, name, s, d, ct)));
                work.Add(Task.Run(() => bandwidth = Probe($"stream {evidence.Pair} made ready", () => _probe.PrepareBandwidth(s, d, ct))));
            }
            try
            {
                WaitAll(work, ct);
                if (source.Session is { } from && bandwidth.Ran)
                {
                    // Timed alone: beside the canaries it would see a fraction of what a transfer gets.
                    evidence.Bandwidth = Probe($"bandwidth {evidence.Pair}", () => bandwidth.Error is { } error ? throw error : bandwidth.Value.Measure(ct));
                    // Removed while the memory is sampled.
                    removal = Task.Run(() => bandwidth.Value?.Dispose());
                    if (request.Compression != Transfer.StreamCompression.None && evidence.ContainerFacts.Succeeded && evidence.Source.Container.Value is { } container)
                        evidence.Compression = Probe($"memory of {container.Name}", () => _probe.SampleCompression(from, evidence.ContainerFacts.Value.Pids, ct));
                    removal.Wait();
                }
            }
            finally
            {
                // Cancelled before its removal began: still removed.
                if (removal == null && bandwidth.Succeeded) bandwidth.Value.Dispose();
            }
            return ReadinessChecks.Judge(evidence);
        }

        private static void WaitAll(List<Task> work, CancellationToken ct)
        {
            try { Task.WaitAll(work.ToArray()); }
            catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OperationCanceledException)) { }
            ct.ThrowIfCancellationRequested();
        }

        private void ProbeHost(HostEvidence host, ReadinessRequest request, CancellationToken ct)
        {
            if (!(host.Host.Session is { } session)) return;
            host.Ping = Probe($"SSH to {host.Name}", () =>
            {
                var clock = Stopwatch.StartNew();
                _probe.Ping(session, ct);
                return clock.Elapsed;
            });
            if (!host.Ping.Succeeded) return;
            host.Access = Probe($"root on {host.Name}", () => _probe.Access(session, ct));
            // Every later probe runs as root: without it they would only repeat sudo's refusal.
            if (!(host.Access.Succeeded && host.Access.Value.IsRoot)) return;
            host.Facts = Probe($"facts of {host.Name}", () => _probe.Facts(session, ct));
            if (!request.NoCanary && host.KnownFacts is { RuncVersion: { }, CriuVersion: { } })
                host.Canary = Probe($"canary on {host.Name}", () => _probe.Canary(session, ct));
        }

        private void ProbeContainer(ReadinessEvidence evidence, string name, Hosts.IHostSession source, Hosts.IHostSession destination, CancellationToken ct)
        {
            evidence.Destination.Container = Probe($"{name} on {evidence.Destination.Name}", () => _probe.State(destination, name, ct));
            evidence.Source.Container = Probe($"{name} on {evidence.Source.Name}", () => _probe.State(source, name, ct));
            if (!(evidence.Source.Container.Succeeded && evidence.Source.Container.Value is { Status: Runc.ContainerStatus.Running } container)) return;
            evidence.ContainerFacts = Probe($"processes of {name}", () => _probe.Inspect(source, container, ct));
            if (!evidence.ContainerFacts.Succeeded) return;
            try
            {
                evidence.Bundle = BundleSpec.Parse(evidence.ContainerFacts.Value.ConfigJson, container.Bundle);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException || ex is InvalidOperationException)
            {
                evidence.DestinationPaths = Probe<DestinationPaths>("config.json", () => throw new InvalidOperationException($"{container.Bundle}/config.json on {evidence.Source.Name} cannot be read: {ex.Message}"));
                return;
            }
            var b = evidence.Bundle;
            var needed = b.BindSources.Concat(b.NamespacePaths.Select(n => n.Path)).Concat(b.Devices).Concat(b.RootInBundle ? new string[0] : new[] { b.RootPath }).Distinct().ToList();
            evidence.DestinationPaths = Probe($"paths on {evidence.Destination.Name}", () => _probe.CheckPaths(destination, container.Bundle, needed, ct));
            if (b.NamespacePaths.Any(n => n.Type == "network"))
                evidence.Network = Probe($"network of {name}", () => _probe.CheckNetwork(source, destination, container.Bundle, ct));
        }

        private Outcome<T> Probe<T>(string what, Func<T> probe)
        {
            var outcome = Outcome<T>.Of(probe);
            ProbeFinished?.Invoke(what);
            return outcome;
        }
    }
}
