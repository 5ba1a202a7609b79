namespace LiveMigrate.Plans
{
    /// <summary>One thing wrong with a plan file: where it is, what it is and how to fix it.</summary>
    public sealed class PlanProblem
    {
        internal PlanProblem(string file, int line, int column, string code, string message, string fix, PlanProblemSeverity severity)
        {
            File = file;
            Line = line;
            Column = column;
            Code = code;
            Message = message;
            Fix = fix;
            Severity = severity;
        }

        public string File { get; }
        /// <summary>1-based, as editors count.</summary>
        public int Line { get; }
        /// <summary>1-based, as editors count.</summary>
        public int Column { get; }
        /// <summary>A stable name for the kind of problem, such as UnknownKey or WrongType (see <see cref="PlanProblemCodes"/>).</summary>
        public string Code { get; }
        public string Message { get; }
        public string Fix { get; }
        public PlanProblemSeverity Severity { get; }

        public override string ToString() => $"{File}:{Line}:{Column}: {Severity.ToString().ToLowerInvariant()}: {Message} Fix: {Fix}";
    }
}
