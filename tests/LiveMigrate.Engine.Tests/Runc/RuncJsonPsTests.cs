using System;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>runc ps --format json, which container-inspect.sh now gets its processes from (RuncRuntime.Processes).</summary>
    public sealed class RuncJsonPsTests
    {
        [Fact]
        public void Reads_the_pids_in_runc_s_order() =>
            Assert.Equal(new[] { 4242, 17, 4300 }, RuncJson.ParsePids("[4242,17,4300]\n", "hostA"));

        [Theory]
        [InlineData("null\n")]
        [InlineData("[]")]
        [InlineData("")]
        public void No_process_is_an_empty_list(string json) => Assert.Empty(RuncJson.ParsePids(json, "hostA"));

        [Theory]
        [InlineData("[\"1; rm -rf /\"]")]
        [InlineData("[0]")]
        [InlineData("[1.5]")]
        [InlineData("{\"pid\": 1}")]
        public void Anything_but_pids_is_refused_naming_the_host(string json) =>
            Assert.Contains("runc ps on hostA", Assert.Throws<FormatException>(() => RuncJson.ParsePids(json, "hostA")).Message);
    }
}
