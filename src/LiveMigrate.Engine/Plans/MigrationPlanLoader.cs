using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveMigrate.Plans.Loading;

namespace LiveMigrate.Plans
{
    /// <summary>Reads and validates YAML migration plans (schema: module/LiveMigrate/Schemas/migration-plan.v1.schema.json).</summary>
    public static class MigrationPlanLoader
    {
        /// <summary>Reads a plan file. A file that cannot be read throws (FileNotFoundException, IOException...); everything wrong inside it is a problem in the result.</summary>
        public static PlanLoadResult Load(string path)
        {
            var full = Path.GetFullPath(path);
            return Parse(File.ReadAllText(full), full);
        }

        /// <summary>Validates plan text as if it were the file <paramref name="path"/>: problems name it, and scripts are found beside it.</summary>
        public static PlanLoadResult Parse(string text, string path)
        {
            var problems = new Problems(path);
            var root = YamlTreeReader.Read(text, problems);
            var plan = root == null ? null : new PlanReader(problems, path).Read(root, path);
            return new PlanLoadResult(problems.HasErrors ? null : plan, problems.All);
        }
    }

    public sealed class PlanLoadResult
    {
        internal PlanLoadResult(MigrationPlan? plan, IReadOnlyList<PlanProblem> problems)
        {
            Plan = plan;
            Problems = problems;
        }

        /// <summary>The plan; null when any problem is an error.</summary>
        public MigrationPlan? Plan { get; }
        /// <summary>Every problem found, errors and warnings, in the order of the file.</summary>
        public IReadOnlyList<PlanProblem> Problems { get; }
        public bool IsValid => Plan != null;
        public IEnumerable<PlanProblem> Errors => Problems.Where(p => p.Severity == PlanProblemSeverity.Error);
    }
}
