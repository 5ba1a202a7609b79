using System;

namespace LiveMigrate.Readiness
{
    /// <summary>What one probe returned, or why it did not: checks report a probe's failure instead of stopping.</summary>
    public sealed class Outcome<T>
    {
        private Outcome(bool ran, T value, Exception? error)
        {
            Ran = ran;
            Value = value;
            Error = error;
        }

        /// <summary>False when the probe was not run, because something it needs was missing.</summary>
        public bool Ran { get; }
        public T Value { get; }
        public Exception? Error { get; }
        public bool Succeeded => Ran && Error == null;

        public static Outcome<T> NotRun { get; } = new Outcome<T>(false, default!, null);

        public static Outcome<T> Of(Func<T> probe)
        {
            try { return new Outcome<T>(true, probe(), null); }
            catch (OperationCanceledException) { throw; }
            catch (Exception ex) { return new Outcome<T>(true, default!, ex); }
        }
    }
}
