using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Commands
{
    /// <summary>
    /// The one way a word reaches a remote shell. SSH runs every command through the login shell,
    /// so an argument vector must be turned into one string whose words the shell cannot reinterpret.
    /// </summary>
    public static class ShellQuote
    {
        /// <summary>POSIX single quotes: nothing inside them is special except the quote itself.</summary>
        public static string Quote(string word)
        {
            if (word is null) throw new ArgumentNullException(nameof(word));
            // A NUL cannot travel in a command line; failing is better than truncating.
            if (word.IndexOf('\0') >= 0)
                throw new ArgumentException("A command argument cannot contain a NUL character.", nameof(word));
            if (word.Length > 0 && word.All(IsSafe)) return word;
            return "'" + word.Replace("'", "'\\''") + "'";
        }

        public static string Join(IEnumerable<string> words) => string.Join(" ", words.Select(Quote));

        // Left bare only for readability of logs; the set has no shell meaning anywhere in a word.
        private static bool IsSafe(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '/' || c == '.' || c == '_' || c == '-' || c == ':' || c == ',' || c == '@' || c == '%' || c == '+';
    }
}
