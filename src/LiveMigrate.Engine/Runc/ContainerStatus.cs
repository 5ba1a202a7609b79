namespace LiveMigrate.Runc
{
    public enum ContainerStatus { Unknown, Creating, Created, Running, Paused, Stopped }
}
