using System;
using System.Globalization;

namespace LiveMigrate.Migration
{
    /// <summary>Ids and lock texts shared by migrations and pre-dump series.</summary>
    internal static class RunId
    {
        /// <summary>Sorts by time, unique enough to name folders on shared hosts.</summary>
        public static string New() =>
            DateTime.UtcNow.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);

        /// <summary>What a lock says about its holder, for whoever finds it taken.</summary>
        public static string Holder(string activity) =>
            $"{activity}, by {Environment.UserName}@{Environment.MachineName} " +
            $"(process {System.Diagnostics.Process.GetCurrentProcess().Id}), since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC";
    }
}
