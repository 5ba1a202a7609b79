using System;
using System.Collections;
using System.Management.Automation;

namespace LiveMigrate.PowerShell
{
    /// <summary>The fields of the hashtable session-process.ps1 answers with, as they arrive deserialized.</summary>
    internal static class SessionReply
    {
        public static string? Text(Hashtable reply, string key) => reply[key] is object v ? Unwrapped(v) as string : null;
        public static bool Flag(Hashtable reply, string key) => reply[key] is object v && Unwrapped(v) is bool b && b;
        public static int Number(Hashtable reply, string key) => reply[key] is object v ? Convert.ToInt32(Unwrapped(v), System.Globalization.CultureInfo.InvariantCulture) : -1;
        public static byte[] Bytes(Hashtable reply, string key) => reply[key] is object v && Unwrapped(v) is byte[] b ? b : new byte[0];

        private static object Unwrapped(object value) => value is PSObject p ? p.BaseObject : value;
    }
}
