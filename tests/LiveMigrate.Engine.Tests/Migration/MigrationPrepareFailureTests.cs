using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>Failures before the freeze: Aborted, and neither host changed.</summary>
    public sealed class MigrationPrepareFailureTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        private MigrationException Aborted(string messagePart)
        {
            var ex = _s.MigrateFailing();
            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Equal(MigrationPhase.Prepare, ex.FailedPhase);
            Assert.Contains(messagePart, ex.Message);
            Assert.Contains(messagePart, ex.Result.Error);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Empty(_s.Destination.MutatingCalls);
            Assert.Empty(_s.Transport.Copies);
            Assert.Equal(new[] { "Started Prepare", "Completed Prepare" }, _s.Observer.PhaseEvents);
            _s.AssertInvariant(ex.Result);
            return ex;
        }

        [Fact]
        public void Container_missing_on_the_source()
        {
            _s.Source.RemoveContainer("web");

            Aborted("No container named 'web' on hostA");

            _s.AssertSourceUntouched(status: null);
        }

        [Theory]
        [InlineData(ContainerStatus.Stopped)]
        [InlineData(ContainerStatus.Paused)]
        [InlineData(ContainerStatus.Created)]
        public void Container_not_running(ContainerStatus status)
        {
            _s.Source.SetStatus("web", status);

            Aborted($"is {status}; only a running container can be migrated live");

            _s.AssertSourceUntouched(status);
        }

        [Theory]
        [InlineData(ContainerStatus.Stopped)]
        [InlineData(ContainerStatus.Created)]
        public void Destination_already_has_a_container_of_that_name(ContainerStatus status)
        {
            _s.Destination.WithContainer("web", "/var/lib/other/web", status);

            Aborted("hostB already has a container named 'web'");

            _s.AssertSourceUntouched();
            Assert.Equal(status, _s.Destination.StatusOf("web"));
        }

        [Fact]
        public void Destination_already_has_the_bundle_path()
        {
            _s.Destination.AddFile(MigrationScenario.Bundle + "/precious.txt");

            Aborted($"hostB already has '{MigrationScenario.Bundle}'");

            _s.AssertSourceUntouched();
            Assert.Equal(new[] { MigrationScenario.Bundle + "/precious.txt" }, _s.Destination.FilesUnder(MigrationScenario.Bundle));
        }

        [Theory]
        [InlineData("")]
        [InlineData("relative/bundle")]
        [InlineData("/")]
        [InlineData("/var/lib/../../etc")]
        public void Bundle_path_that_cannot_be_recreated(string bundle)
        {
            _s.Source.RemoveContainer("web");
            _s.Source.WithContainer("web", bundle);

            Aborted($"runc reports bundle '{bundle}'");

            Assert.Empty(_s.Source.MutatingCalls);
        }

        [Fact]
        public void Source_state_query_fails()
        {
            _s.Source.FailOn(HostOp.State, "ssh: connection reset");

            var ex = Aborted("ssh: connection reset");

            Assert.IsType<InjectedFault>(ex.InnerException);
            _s.AssertSourceUntouched();
        }

        [Fact]
        public void Image_directory_cannot_be_created_and_is_cleaned_up()
        {
            _s.Source.FailOn(HostOp.CreateDirectory, "mkdir: No space left on device", h => h.AddFile(h.CallsOf(HostOp.CreateDirectory).Last().Argument + "/partial"));

            var ex = Aborted("No space left on device");

            Assert.NotNull(ex.Result.ImagePath);
            Assert.Contains(new HostCall(HostOp.RemoveTree, ex.Result.ImagePath!), _s.Source.Calls);
            Assert.Empty(_s.Source.FilesUnder(ex.Result.ImagePath!));
            Assert.True(_s.Source.IsRunning("web"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("a b")]
        [InlineData("../etc")]
        [InlineData("$(reboot)")]
        public void Invalid_name_is_refused_before_any_host_is_asked(string name)
        {
            var engine = new MigrationEngine(_s.Transport, _s.Options);

            Assert.Throws<ArgumentException>(() => engine.Move(name, _s.Source, _s.Destination, _s.Observer, default));

            Assert.Empty(_s.Source.Calls);
            Assert.Empty(_s.Destination.Calls);
            Assert.Empty(_s.Observer.Events);
        }

        [Fact]
        public void Same_host_as_source_and_destination_is_refused()
        {
            var ex = _s.MigrateFailing(destination: _s.Source);

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains("hostA already has a container named 'web'", ex.Message);
            _s.AssertSourceUntouched();
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void Aborted_result_for_a_container_that_runs_nowhere_names_no_host()
        {
            // MigrationResult.RunningOn: "the host the container runs on after the migration, or null when it runs nowhere".
            _s.Source.RemoveContainer("web");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Null(ex.Result.RunningOn);
            Assert.DoesNotContain("still runs on", ex.Message);
            _s.AssertInvariant(ex.Result);
        }
    }
}
