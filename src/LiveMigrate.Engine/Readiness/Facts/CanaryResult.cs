using System;
using System.Collections.Generic;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>How the throwaway container of Scripts/canary.sh fared.</summary>
    public sealed class CanaryResult
    {
        public bool Succeeded { get; private set; }
        /// <summary>run, checkpoint, restore or state: the step that failed.</summary>
        public string? FailedStep { get; private set; }
        public bool TimedOut { get; private set; }
        public IReadOnlyList<string> Errors { get; private set; } = new string[0];
        public IReadOnlyList<string> CriuLog { get; private set; } = new string[0];
        public TimeSpan? Checkpoint { get; private set; }
        public TimeSpan? Restore { get; private set; }

        internal static CanaryResult Parse(string text, bool timedOut)
        {
            var kv = new KeyValueLines(text);
            return new CanaryResult
            {
                Succeeded = kv.Get("ok") == "1" && !timedOut,
                FailedStep = kv.Get("failed"),
                TimedOut = timedOut || kv.Get("timed_out") == "1",
                Errors = kv.All("error"),
                CriuLog = kv.All("log"),
                Checkpoint = Millis(kv.Long("checkpoint_ms")),
                Restore = Millis(kv.Long("restore_ms")),
            };
        }

        private static TimeSpan? Millis(long? ms) => ms is long n ? TimeSpan.FromMilliseconds(n) : (TimeSpan?)null;
    }
}
