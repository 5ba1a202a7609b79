using System.Collections.Concurrent;
using System.IO;

namespace LiveMigrate.Readiness
{
    /// <summary>The shell scripts in Readiness/Scripts, embedded in the assembly and run as <c>sh -c SCRIPT sh ARGS...</c>.</summary>
    internal static class ReadinessScripts
    {
        private static readonly ConcurrentDictionary<string, string> Cache = new ConcurrentDictionary<string, string>();

        public static string Get(string fileName) => Cache.GetOrAdd(fileName, name =>
        {
            using var stream = typeof(ReadinessScripts).Assembly.GetManifestResourceStream("LiveMigrate.Readiness.Scripts." + name)
                ?? throw new FileNotFoundException($"The readiness script {name} is not embedded in the engine.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        });
    }
}
