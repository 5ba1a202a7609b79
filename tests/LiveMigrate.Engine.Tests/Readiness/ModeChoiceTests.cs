using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>-Mode Auto: pre-copy where the source tracks dirty memory, post-copy where both ends can, else stop.</summary>
    public sealed class ModeChoiceTests
    {
        private static ReadinessResult Row(string check, string host, ReadinessStatus status) => new ReadinessResult(check, host, status, "detail", "remedy");

        private static List<ReadinessResult> Rows(ReadinessStatus preCopySource, ReadinessStatus postCopySource, ReadinessStatus postCopyDestination) => new()
        {
            Row(HostChecks.PreCopy, "a", preCopySource), Row(HostChecks.PreCopy, "b", ReadinessStatus.Warn),
            Row(HostChecks.PostCopy, "a", postCopySource), Row(HostChecks.PostCopy, "b", postCopyDestination),
            Row(HostChecks.Canary, "a", ReadinessStatus.Warn),
        };

        [Theory]
        [InlineData(ReadinessStatus.Pass, ReadinessStatus.Pass, ReadinessStatus.Pass, true, MigrationMode.PreCopy)]
        [InlineData(ReadinessStatus.Warn, ReadinessStatus.Pass, ReadinessStatus.Pass, true, MigrationMode.PostCopy)]
        [InlineData(ReadinessStatus.Warn, ReadinessStatus.Pass, ReadinessStatus.Warn, true, MigrationMode.Stop)]
        [InlineData(ReadinessStatus.Warn, ReadinessStatus.Warn, ReadinessStatus.Pass, true, MigrationMode.Stop)]
        [InlineData(ReadinessStatus.Warn, ReadinessStatus.Pass, ReadinessStatus.Pass, false, MigrationMode.Stop)]
        public void Picks_the_mode_the_hosts_allow(ReadinessStatus preCopySource, ReadinessStatus postCopySource, ReadinessStatus postCopyDestination, bool postCopyPossible, MigrationMode expected)
        {
            Assert.Equal(expected, ModeChoice.Choose(Rows(preCopySource, postCopySource, postCopyDestination), "a", "b", postCopyPossible));
        }

        [Fact]
        public void A_pre_copy_row_that_does_not_pass_beside_the_hosts_pass_keeps_auto_from_pre_copy()
        {
            // The source tracks dirty memory, but the container holds a stopped task, which pre-dump rounds cannot take.
            var rows = Rows(ReadinessStatus.Pass, ReadinessStatus.Pass, ReadinessStatus.Pass);
            rows.Add(Row(HostChecks.PreCopy, "a", ReadinessStatus.Warn));

            Assert.Equal(MigrationMode.PostCopy, ModeChoice.Choose(rows, "a", "b", postCopyPossible: true));
        }

        [Fact]
        public void Warnings_about_modes_not_chosen_no_longer_hold_the_move_back()
        {
            var rows = ModeChoice.ForMode(Rows(ReadinessStatus.Warn, ReadinessStatus.Pass, ReadinessStatus.Warn), MigrationMode.Stop);

            Assert.All(rows.Where(r => r.Check == HostChecks.PreCopy || r.Check == HostChecks.PostCopy && r.Host == "b"), r =>
            {
                Assert.Equal(ReadinessStatus.Skipped, r.Status);
                Assert.EndsWith("-Mode Auto chose Stop, which does not need it.", r.Detail);
            });
            Assert.Equal(ReadinessStatus.Pass, rows.Single(r => r.Check == HostChecks.PostCopy && r.Host == "a").Status);
            // Other warnings stay: they concern every mode.
            Assert.Equal(ReadinessStatus.Warn, rows.Single(r => r.Check == HostChecks.Canary).Status);
        }
    }
}
