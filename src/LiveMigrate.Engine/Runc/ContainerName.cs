using System;
using System.Text.RegularExpressions;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// A container's name by runc's rule for container IDs, validated once where it enters (a cmdlet's parameter, a plan's
    /// key); the static checks stay for the last line of defence, before any command is built.
    /// </summary>
    public sealed class ContainerName : IEquatable<ContainerName>
    {
        // runc: ^[\w+-\.]+$ in Go syntax, where \w is ASCII and "+-\." is the range '+'..'.' (+ , - .);
        // "." and ".." are refused because they are not a clean path element; a leading '-' because runc, tar and every
        // other program a name is handed to would read it as an option.
        private static readonly Regex Rule = new Regex(@"^[A-Za-z0-9_+,\-.]+\z", RegexOptions.CultureInvariant);

        public const int MaxLength = 1024;

        private ContainerName(string value) { Value = value; }

        public string Value { get; }

        public static bool IsValid(string? name) =>
            !string.IsNullOrEmpty(name) && name!.Length <= MaxLength && Rule.IsMatch(name) && name != "." && name != ".." && name[0] != '-';

        public static string Validate(string? name)
        {
            if (IsValid(name)) return name!;
            throw new ArgumentException(
                $"'{name}' is not a valid container name: runc accepts only ASCII letters, digits and _ + , - . (not '.' or '..'), and a name must not begin with '-' (programs would read it as an option). Use the name that Get-Container shows.",
                nameof(name));
        }

        /// <summary>The name, or an ArgumentException that says runc's rule.</summary>
        public static ContainerName Parse(string? name) => new ContainerName(Validate(name));

        public static bool TryParse(string? name, out ContainerName parsed)
        {
            parsed = IsValid(name) ? new ContainerName(name!) : null!;
            return parsed != null;
        }

        public static implicit operator string(ContainerName name) => name.Value;

        public bool Equals(ContainerName? other) => other != null && string.Equals(Value, other.Value, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as ContainerName);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

        public override string ToString() => Value;
    }
}
