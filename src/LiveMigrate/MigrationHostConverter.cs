using System;
using System.ComponentModel;
using System.Globalization;

namespace LiveMigrate.PowerShell
{
    /// <summary>
    /// A host name such as root@10.1.2.3:2222 wherever PowerShell converts a value to MigrationHost: a cast, or a
    /// [MigrationHost] parameter of a proxy function or a Pester mock, which do not carry the cmdlets' transformation
    /// attribute. The name resolves as on a cmdlet: an open host of this runspace, else a new connection with default keys;
    /// a PSSession becomes the host it is open to, driven through it.
    /// </summary>
    public sealed class MigrationHostConverter : TypeConverter
    {
        public override bool CanConvertFrom(ITypeDescriptorContext context, Type sourceType) =>
            sourceType == typeof(string) || sourceType == typeof(System.Management.Automation.Runspaces.PSSession) || base.CanConvertFrom(context, sourceType);

        public override object ConvertFrom(ITypeDescriptorContext context, CultureInfo culture, object value) =>
            value switch
            {
                string text => HostConnector.Resolve(text),
                System.Management.Automation.Runspaces.PSSession session => HostConnector.FromSession(session, HostConnector.DefaultKnownHostsPath, null),
                _ => base.ConvertFrom(context, culture, value),
            };
    }
}
