using System;
using System.Management.Automation;
using System.Security;

namespace LiveMigrate.PowerShell
{
    /// <summary>
    /// Lets a PSCredential stand for a SecureString: its password is the secret (an automation account's credential
    /// asset, or a SecretManagement secret stored as a credential, whose password holds a private key).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecretTextTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
            (inputData is PSObject pso ? pso.BaseObject : inputData) switch
            {
                PSCredential c => c.Password,
                SecureString s => s,
                string _ => throw new ArgumentTransformationMetadataException(
                    "A secret is not taken as plain text: give a SecureString (ConvertTo-SecureString -AsPlainText -Force) or a PSCredential whose password holds it."),
                var other => other,
            };
    }
}
