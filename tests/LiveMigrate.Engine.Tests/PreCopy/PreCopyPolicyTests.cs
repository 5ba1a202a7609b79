using System;
using LiveMigrate.PreCopy;
using Xunit;

namespace LiveMigrate.Tests.PreCopy
{
    public sealed class PreCopyPolicyTests
    {
        private static readonly PreCopyPolicy Policy = new PreCopyPolicy { MaxRounds = 4, MinPagesWritten = 100, MinShrinkPercent = 25 };

        [Fact]
        public void Goes_on_while_rounds_shrink_fast_and_stay_large()
        {
            Assert.Null(Policy.StopReason(new long[] { 10000 }));
            Assert.Null(Policy.StopReason(new long[] { 10000, 7500 }));
        }

        [Fact]
        public void Stops_when_a_round_writes_few_pages()
        {
            Assert.StartsWith("converged: round 2 wrote 99 pages", Policy.StopReason(new long[] { 10000, 99 }));
            // Even the first: a nearly idle container needs no second round.
            Assert.StartsWith("converged", Policy.StopReason(new long[] { 50 }));
        }

        [Fact]
        public void Stops_when_pages_written_no_longer_shrink_by_the_ratio()
        {
            Assert.StartsWith("not shrinking: round 2 wrote 7501 pages after 10000", Policy.StopReason(new long[] { 10000, 7501 }));
            Assert.StartsWith("not shrinking", Policy.StopReason(new long[] { 10000, 12000 }));
        }

        [Fact]
        public void Stops_at_the_maximum_of_rounds()
        {
            Assert.Equal("maximum of 4 rounds reached", Policy.StopReason(new long[] { 100000, 50000, 25000, 12000 }));
            Assert.Equal("maximum of 1 rounds reached", new PreCopyPolicy { MaxRounds = 1 }.StopReason(new long[] { 100000 }));
        }

        [Fact]
        public void Refuses_settings_that_make_no_sense()
        {
            Assert.Throws<ArgumentException>(() => new PreCopyPolicy { MaxRounds = 0 }.StopReason(new long[] { 1 }));
            Assert.Throws<ArgumentException>(() => new PreCopyPolicy { MinShrinkPercent = 101 }.StopReason(new long[] { 1 }));
        }
    }
}
