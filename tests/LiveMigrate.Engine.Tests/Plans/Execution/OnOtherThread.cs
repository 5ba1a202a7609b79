using System;
using System.Threading;
using Xunit;

namespace LiveMigrate.Tests.Plans.Execution
{
    internal static class OnOtherThread
    {
        /// <summary>What <paramref name="action"/> throws on a new thread (a pool thread might be the test's own).</summary>
        public static Exception? Exception(Action action)
        {
            Exception? error = null;
            var thread = new Thread(() => error = Record.Exception(action));
            thread.Start();
            thread.Join();
            return error;
        }
    }
}
