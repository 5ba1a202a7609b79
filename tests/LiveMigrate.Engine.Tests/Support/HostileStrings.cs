using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Tests.Support
{
    /// <summary>Words a shell would reinterpret if they reached it unquoted.</summary>
    public static class HostileStrings
    {
        public static readonly string[] All =
        {
            "",
            " ",
            "two words",
            "  leading and trailing  ",
            "it's",
            "'",
            "''",
            "'\\''",
            "\"double\"",
            "\"",
            "a;b",
            "; rm -rf /tmp/should-not-exist-lm",
            "$(echo injected)",
            "${HOME}",
            "$HOME",
            "$",
            "`echo injected`",
            "a|b",
            "a&b",
            "&&",
            "a>b",
            "<in",
            "2>&1",
            "*",
            "*.cs",
            "?",
            "[a-z]*",
            "{a,b}",
            "~",
            "~root",
            "#not a comment",
            "!",
            "line1\nline2",
            "\n",
            "tab\there",
            "\t",
            "carriage\rreturn",
            "-n",
            "-e",
            "--help",
            "-",
            "a=b",
            "back\\slash",
            "\\",
            "\\n",
            "%s%d%%",
            "é",
            "中文",
            "emoji 🚀 here",
            "mixed 'quotes' and \"quotes\" and `ticks` and $(subs)",
            "plain-safe_word.txt",
            "/var/lib/x:y,z@w%+",
        };

        public static IEnumerable<object[]> Data => All.Select(s => new object[] { s });
    }
}
