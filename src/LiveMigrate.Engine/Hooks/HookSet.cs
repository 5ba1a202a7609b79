using System;
using System.Collections.Generic;

namespace LiveMigrate.Hooks
{
    /// <summary>Hooks by point, each point running its hooks in the order added; the first that throws stops the rest.</summary>
    public sealed class HookSet : IMigrationHooks
    {
        private readonly Dictionary<HookPoint, List<Action<HookContext>>> _hooks = new Dictionary<HookPoint, List<Action<HookContext>>>();

        public HookSet Add(HookPoint point, Action<HookContext> hook)
        {
            if (!_hooks.TryGetValue(point, out var list)) _hooks[point] = list = new List<Action<HookContext>>();
            list.Add(hook);
            return this;
        }

        public bool Has(HookPoint point) => _hooks.ContainsKey(point);

        public void Invoke(HookPoint point, HookContext context)
        {
            if (!_hooks.TryGetValue(point, out var list)) return;
            foreach (var hook in list) hook(context);
        }
    }
}
