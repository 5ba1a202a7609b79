using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>SameDirectory over the files of two hosts alone (a fake of that one part each).</summary>
    public sealed class SameDirectoryTests
    {
        private const string Dir = "/var/lib/containers/web";
        private readonly FakeHostModel _a = new FakeHostModel("hostA");
        private readonly FakeHostModel _b = new FakeHostModel("hostB");
        private readonly List<string> _said = new List<string>();

        private bool MayBe() => SameDirectory.MayBe(new FakeHostFiles(_a), new FakeHostFiles(_b), Dir, _said.Add, CancellationToken.None);

        [Fact]
        public void Shared_storage_is_the_same_directory_and_the_marker_is_removed()
        {
            _a.WithBundle(Dir);
            _b.ShareFilesWith(_a);

            Assert.True(MayBe());
            Assert.Equal(new[] { Dir + "/config.json", Dir + "/rootfs/bin/sh" }, _a.FilesUnder(Dir));
            Assert.Empty(_said);
        }

        [Fact]
        public void A_directory_of_each_host_s_own_is_not()
        {
            _a.WithBundle(Dir);
            _b.WithBundle(Dir);

            Assert.False(MayBe());
            Assert.Equal(new[] { Dir + "/config.json", Dir + "/rootfs/bin/sh" }, _a.FilesUnder(Dir));
        }

        [Fact]
        public void A_directory_the_host_lacks_is_not_and_nothing_is_made()
        {
            Assert.False(MayBe());
            Assert.Empty(_a.CallsOf(HostOp.CreateDirectory));
        }

        [Fact]
        public void What_cannot_be_told_is_taken_as_shared_and_said()
        {
            _a.WithBundle(Dir);
            _b.BecomeUnreachable();

            Assert.True(MayBe());
            Assert.Contains(_said, s => s.Contains("taken as shared"));
        }
    }
}
