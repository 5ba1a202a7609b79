using System.Collections.Generic;
using System.Linq;
using YamlDotNet.Core;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>The problems found in one plan file, collected as the loader goes.</summary>
    internal sealed class Problems
    {
        private readonly List<PlanProblem> _list = new List<PlanProblem>();
        private readonly string _file;

        public Problems(string file) { _file = file; }

        public IReadOnlyList<PlanProblem> All => _list.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();

        public bool HasErrors => _list.Any(p => p.Severity == PlanProblemSeverity.Error);

        public void Error(int line, int column, string code, string message, string fix) =>
            _list.Add(new PlanProblem(_file, line, column, code, message, fix, PlanProblemSeverity.Error));

        public void Error(Mark at, string code, string message, string fix) => Error((int)at.Line, (int)at.Column, code, message, fix);

        public void Error(YamlNode at, string code, string message, string fix) => Error(at.Line, at.Column, code, message, fix);

        public void Warning(YamlNode at, string code, string message, string fix) =>
            _list.Add(new PlanProblem(_file, at.Line, at.Column, code, message, fix, PlanProblemSeverity.Warning));
    }
}
