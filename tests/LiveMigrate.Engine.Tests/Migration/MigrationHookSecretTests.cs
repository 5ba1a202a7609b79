using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using LiveMigrate.Hooks;
using LiveMigrate.Journal;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>A hook's secret argument reaches the host's program, and no message, result or journal record.</summary>
    public sealed class MigrationHookSecretTests : IDisposable
    {
        private const string Token = "s3cr3t-t0ken-42";
        private readonly MigrationScenario _s = new MigrationScenario();
        private readonly MemoryJournalStore _store = new MemoryJournalStore();
        private readonly FakeHostSession _host;

        public MigrationHookSecretTests()
        {
            // The program echoes its arguments on failure, as curl and many others do.
            _host = new FakeHostSession(c => FakeHostSession.Exit(22, stdout: "sent " + string.Join(" ", c.Arguments), stderr: "401 for " + string.Join(" ", c.Arguments)));
            _s.Options.Journal = new MigrationJournal(_store);
        }

        public void Dispose() => _s.Dispose();

        private static HostCommandHook Hook() =>
            new HostCommandHook(HookHost.Source, new[] { "curl", "-fsS", "-H", "", "http://lb/drain/web" }, TimeSpan.FromSeconds(5))
                .WithSecrets(new Dictionary<int, string> { [3] = "Authorization: Bearer " + Token });

        [Fact]
        public void The_program_gets_the_secret_and_verbose_output_shows_stars()
        {
            var hook = Hook();

            Assert.Throws<LiveMigrate.Commands.CommandFailedException>(() => hook.Run(_host, CancellationToken.None));

            Assert.Equal("Authorization: Bearer " + Token, _host.Runs.Single().command.Arguments[3]);
            Assert.Equal("on the source: curl -fsS -H '***' http://lb/drain/web", hook.ToString());
        }

        [Fact]
        public void What_the_program_printed_is_returned_without_the_secret()
        {
            var host = new FakeHostSession(c => FakeHostSession.Exit(0, stdout: "drained with " + c.Arguments[3]));

            Assert.Equal("drained with ***", Hook().Run(host, CancellationToken.None));
        }

        [Fact]
        public void A_failing_hook_leaves_the_secret_out_of_the_error_the_result_and_the_journal()
        {
            var hook = Hook();
            _s.Options.Hooks = new HookSet().Add(HookPoint.PreCheckpoint, _ => hook.Run(_host, CancellationToken.None));

            var ex = _s.MigrateFailing();

            Assert.Contains("'***'", ex.Message);
            var everything = new[] { ex.Message, ex.InnerException?.Message, ex.Result.Error, string.Join(" ", ex.Result.HookFailures), JsonSerializer.Serialize(_store.Single()), string.Join(" ", _s.Observer.Messages) };
            Assert.DoesNotContain(Token, string.Join("\n", everything));
        }
    }
}
