using LiveMigrate.Readiness.Checks;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class CompareVersionsTests
    {
        [Theory]
        [InlineData("4.1", "3.17.1", 1)]
        [InlineData("3.17.1", "4.1", -1)]
        [InlineData("1.10.0", "1.9.9", 1)]
        [InlineData("1.1.5+ds1", "1.1.5", 0)]
        [InlineData("4.1", "4.1.0", 0)]
        [InlineData("4.1.1", "4.1", 1)]
        [InlineData("6.1.0-18-amd64", "6.1.0-9-amd64", 1)]
        [InlineData("5.15.0-91-generic", "6.1.0-18-amd64", -1)]
        [InlineData("6.12.48+deb13-amd64", "6.12.48+deb13-amd64", 0)]
        public void Compares_the_numeric_parts(string a, string b, int sign)
        {
            Assert.Equal(sign, System.Math.Sign(ReadinessChecks.CompareVersions(a, b)));
        }
    }
}
