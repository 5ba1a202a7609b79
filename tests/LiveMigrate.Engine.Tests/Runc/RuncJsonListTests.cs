using System;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    public sealed class RuncJsonListTests
    {
        // As printed by runc 1.1.5 `runc list --format json` (one line), with a second container added.
        private const string TwoContainers =
            "[{\"ociVersion\":\"1.0.2-dev\",\"id\":\"web\",\"pid\":11783,\"status\":\"running\",\"bundle\":\"/var/lib/livemigrate/containers/web\"," +
            "\"rootfs\":\"/var/lib/livemigrate/containers/web/rootfs\",\"created\":\"2026-11-27T23:36:40.225138782Z\",\"owner\":\"root\"}," +
            "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"db.1\",\"pid\":0,\"status\":\"stopped\",\"bundle\":\"/var/lib/livemigrate/containers/db.1\"," +
            "\"rootfs\":\"/var/lib/livemigrate/containers/db.1/rootfs\",\"created\":\"2026-11-26T08:01:02.5Z\",\"annotations\":{\"org.example\":\"x\"},\"owner\":\"root\"}]\n";

        [Fact]
        public void Reads_every_container_with_its_fields()
        {
            var list = RuncJson.ParseList(TwoContainers, "lm1");

            Assert.Equal(2, list.Count);
            var web = list[0];
            Assert.Equal(("web", ContainerStatus.Running, 11783, "/var/lib/livemigrate/containers/web", "lm1"),
                (web.Name, web.Status, web.Pid, web.Bundle, web.Host));
            var db = list[1];
            Assert.Equal(("db.1", ContainerStatus.Stopped, 0, "/var/lib/livemigrate/containers/db.1"), (db.Name, db.Status, db.Pid, db.Bundle));
        }

        [Fact]
        public void Reads_created_with_nanoseconds_as_UTC()
        {
            var list = RuncJson.ParseList(TwoContainers, "lm1");

            var created = Assert.NotNull(list[0].Created);
            Assert.Equal(TimeSpan.Zero, created.Offset);
            var expected = new DateTimeOffset(2026, 11, 27, 23, 36, 40, TimeSpan.Zero).AddTicks(2251387);
            Assert.InRange((created - expected).Ticks, 0, 1);
            Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 1, 2, 500, TimeSpan.Zero), list[1].Created);
        }

        [Theory]
        [InlineData("null")]
        [InlineData("null\n")]
        [InlineData("")]
        [InlineData("  \n")]
        [InlineData("[]")]
        public void No_containers(string output)
        {
            Assert.Empty(RuncJson.ParseList(output, "lm1"));
        }

        [Theory]
        [InlineData("ID   PID   STATUS   BUNDLE   CREATED   OWNER")]
        [InlineData("[{\"id\":\"web\"")]
        [InlineData("{\"id\":\"web\"}")]
        [InlineData("\"web\"")]
        [InlineData("42")]
        [InlineData("[{\"pid\":1,\"status\":\"running\"}]")]
        [InlineData("[{\"id\":7}]")]
        [InlineData("[42]")]
        [InlineData("[\"web\"]")]
        [InlineData("[null]")]
        public void Garbage_is_a_FormatException(string output)
        {
            Assert.Throws<FormatException>(() => RuncJson.ParseList(output, "lm1"));
        }

        [Fact]
        public void A_long_garbage_output_is_shortened_in_the_message()
        {
            var ex = Assert.Throws<FormatException>(() => RuncJson.ParseList("{" + new string('x', 1000), "lm1"));

            Assert.EndsWith("...", ex.Message);
            Assert.True(ex.Message.Length < 400);
        }

        [Fact]
        public void Missing_or_odd_optional_fields_have_defaults()
        {
            var list = RuncJson.ParseList("[{\"id\":\"x\",\"created\":\"not a date\",\"pid\":\"12\"}]", "lm1");

            var x = Assert.Single(list);
            Assert.Equal((ContainerStatus.Unknown, 0, "", (DateTimeOffset?)null), (x.Status, x.Pid, x.Bundle, x.Created));
        }
    }
}
