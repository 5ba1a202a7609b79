using System;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>A container name as a value, validated once where it enters: a request cannot carry a name runc would refuse.</summary>
    public sealed class ContainerNameValueTests
    {
        [Theory]
        [InlineData("web")]
        [InlineData("a+b,c-d.e")]
        public void A_valid_name_parses_to_itself(string text)
        {
            Assert.True(ContainerName.TryParse(text, out var parsed));
            Assert.Equal(text, parsed.Value);
            Assert.Equal(ContainerName.Parse(text), parsed);
            Assert.Equal(text, (string)parsed);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("..")]
        [InlineData("-rf")]
        [InlineData("a b")]
        [InlineData("a/b")]
        public void An_invalid_name_never_becomes_one(string? text)
        {
            Assert.False(ContainerName.TryParse(text, out _));
            Assert.Contains("not a valid container name", Assert.Throws<ArgumentException>(() => ContainerName.Parse(text)).Message);
        }

        [Fact]
        public void Names_are_equal_by_their_exact_text()
        {
            Assert.NotEqual(ContainerName.Parse("web"), ContainerName.Parse("Web"));
            Assert.Equal(ContainerName.Parse("web").GetHashCode(), ContainerName.Parse("web").GetHashCode());
        }

        [Fact]
        public void The_engine_moves_a_parsed_name_as_it_moves_the_text()
        {
            using var s = new MigrationScenario();
            var engine = new MigrationEngine(s.Transport, s.Options);

            var result = engine.Move(ContainerName.Parse(MigrationScenario.Container), s.Source, s.Destination, s.Observer, s.Cancellation.Token);

            Assert.Equal((MigrationStatus.Succeeded, MigrationScenario.Container), (result.Status, result.Container));
        }
    }
}
