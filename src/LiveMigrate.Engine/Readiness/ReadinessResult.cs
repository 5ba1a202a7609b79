namespace LiveMigrate.Readiness
{
    /// <summary>One check on one host (or on the pair, as "source -> destination"), with what to do about it.</summary>
    public sealed class ReadinessResult
    {
        public ReadinessResult(string check, string host, ReadinessStatus status, string detail, string? remedy = null)
        {
            Check = check;
            Host = host;
            Status = status;
            Detail = detail;
            Remedy = remedy ?? "";
        }

        public string Check { get; }
        public string Host { get; }
        public ReadinessStatus Status { get; }
        public string Detail { get; }
        /// <summary>What fixes it; empty for a Pass.</summary>
        public string Remedy { get; }

        public override string ToString() => $"{Status} {Check} on {Host}: {Detail}";
    }
}
