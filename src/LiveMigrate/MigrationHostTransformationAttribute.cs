using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace LiveMigrate.PowerShell
{
    /// <summary>Lets a string such as root@10.1.2.3:2222 stand wherever a MigrationHost is expected.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class MigrationHostTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <summary>Only hosts already open in this runspace: never connect just to resolve a name.</summary>
        public bool OpenOnly { get; set; }

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (value)
            {
                case null:
                case MigrationHost _:
                    return value;
                case string s:
                    return Open(s);
                case System.Management.Automation.Runspaces.PSSession session:
                    if (OpenOnly) return Open(HostConnector.SessionAddress(session).ToString());
                    try { return HostConnector.FromSession(session, HostConnector.DefaultKnownHostsPath, null); }
                    catch (Exception ex) { throw new ArgumentTransformationMetadataException(ex.Message, ex); }
                case IEnumerable list:
                    var hosts = new List<object?>();
                    foreach (var item in list) hosts.Add(Transform(engineIntrinsics, item));
                    return hosts.ToArray();
                default:
                    return value;
            }
        }

        private MigrationHost Open(string text)
        {
            if (OpenOnly)
            {
                return HostRegistry.TryGet(text, out var open) ? open
                    : throw new ArgumentTransformationMetadataException($"No open host named '{text}'. Get-MigrationHost lists the open ones.");
            }
            try { return HostConnector.Resolve(text); }
            catch (Exception ex) when (!(ex is ArgumentTransformationMetadataException))
            {
                throw new ArgumentTransformationMetadataException(ex.Message, ex);
            }
        }
    }
}
