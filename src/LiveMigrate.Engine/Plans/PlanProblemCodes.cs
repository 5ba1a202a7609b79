namespace LiveMigrate.Plans
{
    /// <summary>The codes a <see cref="PlanProblem"/> can carry: stable names that scripts can match.</summary>
    public static class PlanProblemCodes
    {
        public const string YamlSyntax = "YamlSyntax";
        public const string EmptyPlan = "EmptyPlan";
        public const string MultipleDocuments = "MultipleDocuments";
        public const string UnknownAlias = "UnknownAlias";
        public const string TooDeep = "TooDeep";
        public const string TooLarge = "TooLarge";
        public const string DuplicateKey = "DuplicateKey";
        public const string UnknownKey = "UnknownKey";
        public const string MissingKey = "MissingKey";
        public const string WrongType = "WrongType";
        public const string OutOfRange = "OutOfRange";
        public const string InvalidValue = "InvalidValue";
        public const string UnsupportedVersion = "UnsupportedVersion";
        public const string PlainPassword = "PlainPassword";
        public const string InvalidAddress = "InvalidAddress";
        public const string ConflictingSetting = "ConflictingSetting";
        public const string UnknownHost = "UnknownHost";
        public const string SameHost = "SameHost";
        public const string InvalidContainerName = "InvalidContainerName";
        public const string DuplicateMigrationName = "DuplicateMigrationName";
        public const string DuplicateContainerInWave = "DuplicateContainerInWave";
        public const string DuplicateWaveName = "DuplicateWaveName";
        public const string ScriptNotFound = "ScriptNotFound";
        public const string UnusedHost = "UnusedHost";
    }
}
