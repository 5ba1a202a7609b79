using System;

namespace LiveMigrate.Hooks
{
    /// <summary>A hook that threw, as the result reports it.</summary>
    public sealed class HookFailure
    {
        public HookFailure(HookPoint hook, string message)
        {
            Hook = hook;
            Message = message;
        }

        public HookPoint Hook { get; }
        public string Message { get; }

        public override string ToString() => $"{Hook}: {Message}";
    }

    /// <summary>A hook threw where the migration must not go on.</summary>
    public sealed class HookFailedException : Exception
    {
        public HookFailedException(HookPoint hook, Exception inner) : base($"The {hook} hook failed: {inner.Message}", inner) { Hook = hook; }

        public HookPoint Hook { get; }
    }
}
