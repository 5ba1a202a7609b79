using System;
using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Runc;

namespace LiveMigrate.Clone
{
    /// <summary>
    /// Names for clones: {Name} is the original's name, {Index} the destination's place in the list (1, 2, ...),
    /// {Host} the destination's host name; the result must be a valid runc name, distinct per destination.
    /// </summary>
    public static class NamePattern
    {
        public const string Default = "{Name}-{Index}";

        public static IReadOnlyList<string> Expand(string pattern, string name, IReadOnlyList<string> hostNames)
        {
            var names = hostNames.Select((host, i) => pattern
                .Replace("{Name}", name)
                .Replace("{Index}", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Replace("{Host}", ShortHost(host))).ToList();
            foreach (var n in names)
            {
                if (!ContainerName.IsValid(n))
                    throw new ArgumentException($"-NewName '{pattern}' gives '{n}', which is not a valid container name (ASCII letters, digits and _ + , - . only); {{Name}}, {{Index}} and {{Host}} are the placeholders.");
            }
            var twice = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (twice != null)
                throw new ArgumentException($"-NewName '{pattern}' gives '{twice.Key}' for more than one destination; add {{Index}} or {{Host}} to it.");
            return names;
        }

        /// <summary>root@10.0.0.5:2222 -> 10.0.0.5: the host part, without user and port.</summary>
        private static string ShortHost(string host)
        {
            var at = host.IndexOf('@');
            var rest = at >= 0 ? host.Substring(at + 1) : host;
            if (rest.StartsWith("[")) return rest.Substring(1, Math.Max(0, rest.IndexOf(']') - 1));
            var colon = rest.LastIndexOf(':');
            return colon > 0 ? rest.Substring(0, colon) : rest;
        }
    }
}
