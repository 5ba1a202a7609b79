using System;
using Xunit;

namespace LiveMigrate.Tests.Support
{
    /// <summary>A fact about Unix file modes and links: skipped on Windows, where the profile's ACLs do that work.</summary>
    public sealed class UnixFactAttribute : FactAttribute
    {
        public UnixFactAttribute()
        {
            if (OperatingSystem.IsWindows()) Skip = "Unix file modes and symbolic links only";
        }
    }
}
