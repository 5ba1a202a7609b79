namespace LiveMigrate.Readiness.Facts
{
    /// <summary>What a transfer would get from the source to the destination, measured over the route its streams take.</summary>
    public sealed class Bandwidth
    {
        public const string OverDirectLink = "over a direct link";

        public Bandwidth(double bytesPerSecond, string route)
        {
            BytesPerSecond = bytesPerSecond;
            Route = route;
        }

        public double BytesPerSecond { get; }
        /// <summary>How it was measured, for the rows that use it ("over a direct link", "relayed through this controller").</summary>
        public string Route { get; }
        /// <summary>Measured over a direct link of the move's own kind: the move's streams will go that way.</summary>
        public bool Direct => Route == OverDirectLink;
    }
}
