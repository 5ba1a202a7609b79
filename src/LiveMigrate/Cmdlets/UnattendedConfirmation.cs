using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// ShouldProcess for sessions nobody watches: where it would prompt but cannot (pwsh -NonInteractive, a runbook, a
    /// job), the error names the switch that runs the cmdlet unattended instead of the host's "Read and Prompt
    /// functionality is not available".
    /// </summary>
    internal static class UnattendedConfirmation
    {
        public const string ErrorId = "ConfirmationNeedsInteraction";

        public static bool ShouldProcessOrExplain(this PSCmdlet cmdlet, string target, string action)
        {
            try
            {
                return cmdlet.ShouldProcess(target, action);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(Explain(cmdlet, target, action), ex),
                    ErrorId, ErrorCategory.InvalidOperation, target));
                return false;
            }
        }

        internal static string Explain(PSCmdlet cmdlet, string target, string action)
        {
            var attribute = cmdlet.GetType().GetCustomAttributes(typeof(CmdletAttribute), false).Cast<CmdletAttribute>().First();
            var name = attribute.VerbName + "-" + attribute.NounName;
            return $"{name} asks for confirmation before it does \"{action}\" on \"{target}\" (its ConfirmImpact is {attribute.ConfirmImpact}, " +
                   "not below $ConfirmPreference, or -Confirm was given), but this session cannot prompt (pwsh -NonInteractive, a runbook, a job). " +
                   $"Add -Confirm:$false to {name} to run it unattended, or -WhatIf to see what it would do.";
        }
    }
}
