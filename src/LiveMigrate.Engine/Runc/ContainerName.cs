using System;
using System.Text.RegularExpressions;

namespace LiveMigrate.Runc
{
    /// <summary>runc's own rule for container IDs, checked before any command is built.</summary>
    public static class ContainerName
    {
        // runc: ^[\w+-\.]+$ in Go syntax, where \w is ASCII and "+-\." is the range '+'..'.' (+ , - .);
        // "." and ".." are refused because they are not a clean path element; a leading '-' because runc, tar and every
        // other program a name is handed to would read it as an option.
        private static readonly Regex Rule = new Regex(@"^[A-Za-z0-9_+,\-.]+\z", RegexOptions.CultureInvariant);

        public const int MaxLength = 1024;

        public static bool IsValid(string? name) =>
            !string.IsNullOrEmpty(name) && name!.Length <= MaxLength && Rule.IsMatch(name) && name != "." && name != ".." && name[0] != '-';

        public static string Validate(string? name)
        {
            if (IsValid(name)) return name!;
            throw new ArgumentException(
                $"'{name}' is not a valid container name: runc accepts only ASCII letters, digits and _ + , - . (not '.' or '..'), and a name must not begin with '-' (programs would read it as an option). Use the name that Get-Container shows.",
                nameof(name));
        }
    }
}
