using System;
using System.IO;

namespace LiveMigrate.Tests.Support
{
    /// <summary>Files of the repository these tests were built from (found by walking up to build.ps1).</summary>
    internal static class RepositoryFiles
    {
        public static readonly string Root = FindRoot();

        public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "build.ps1"))) return dir.FullName;
            }
            throw new InvalidOperationException("No build.ps1 above " + AppContext.BaseDirectory);
        }
    }
}
