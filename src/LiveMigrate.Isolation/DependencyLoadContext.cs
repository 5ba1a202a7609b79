using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace LiveMigrate.Isolation
{
    /// <summary>
    /// Loads the engine and everything it depends on from the module's core/ folder, ahead of whatever
    /// the default context already holds: another module's SSH.NET never replaces ours, nor ours theirs.
    /// </summary>
    public sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private const string EngineName = "LiveMigrate.Engine";
        private static DependencyLoadContext? _instance;
        private readonly string _folder;

        private DependencyLoadContext(string folder) : base("LiveMigrate", isCollectible: false)
        {
            _folder = folder;
        }

        /// <summary>Lets the default context find the engine (the cmdlets reference it) in this context.</summary>
        public static void Attach(string folder)
        {
            _instance ??= new DependencyLoadContext(folder);
            Default.Resolving += _instance.ResolveEngine;
        }

        public static void Detach()
        {
            if (_instance != null) Default.Resolving -= _instance.ResolveEngine;
        }

        private Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
            name.Name == EngineName ? LoadFromFolder(name) : null;

        // Asked first for every dependency of what this context loaded; null falls back to the default.
        protected override Assembly? Load(AssemblyName name) => LoadFromFolder(name);

        private Assembly? LoadFromFolder(AssemblyName name)
        {
            var path = Path.Combine(_folder, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
