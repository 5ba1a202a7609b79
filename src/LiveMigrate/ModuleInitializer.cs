using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace LiveMigrate.PowerShell
{
    /// <summary>
    /// Loads the engine and its dependencies from the folder that fits the running PowerShell: core/
    /// (net8.0 builds, fast AES-GCM for SSH) on PowerShell 7, desktop/ on Windows PowerShell 5.1.
    /// On PowerShell 7 they load into the module's own AssemblyLoadContext, so another module's copy
    /// of SSH.NET, BouncyCastle or the logging abstractions never clashes with ours.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly bool IsDesktop = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
        private static readonly string DependencyFolder = Path.Combine(
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".", IsDesktop ? "desktop" : "core");

        public void OnImport()
        {
            if (IsDesktop)
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveDesktop;
                return;
            }
            Isolation("Attach", DependencyFolder);
            // PowerShell finds types by name only in the default context: name the engine's types for it,
            // so that [LiveMigrate.Migration.MigrationResult] and -is checks work in scripts.
            foreach (var type in EngineTypes()) TypeAccelerator("Add", type.FullName!, type);
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsDesktop)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveDesktop;
                return;
            }
            foreach (var type in EngineTypes()) TypeAccelerator("Remove", type.FullName!);
            Isolation("Detach");
        }

        private static Type[] EngineTypes() =>
            typeof(LiveMigrate.Migration.MigrationResult).Assembly.GetExportedTypes();

        private static void TypeAccelerator(string method, params object[] args) =>
            typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators", throwOnError: true)!
                .GetMethod(method, new[] { typeof(string) }.Concat(args.Skip(1).Select(_ => typeof(Type))).ToArray())!
                .Invoke(null, args);

        // LiveMigrate.Isolation targets net8.0, which this netstandard2.0 assembly cannot reference.
        private static void Isolation(string method, params object[] args) =>
            Assembly.LoadFrom(Path.Combine(DependencyFolder, "LiveMigrate.Isolation.dll"))
                .GetType("LiveMigrate.Isolation.DependencyLoadContext", throwOnError: true)!
                .GetMethod(method)!.Invoke(null, args);

        private static Assembly? ResolveDesktop(object? sender, ResolveEventArgs args)
        {
            var path = Path.Combine(DependencyFolder, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
