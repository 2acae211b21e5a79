namespace Doctor.Benchmarks;

/// <summary>What a commit costs on the benchmark server: durability settings first.</summary>
public sealed record ServerSettings(
    string Version, string Fsync, string SynchronousCommit, string WalSyncMethod, string FullPageWrites, string SharedBuffers, string CommitDelay, string MaxConnections)
{
    /// <summary>Every commit reaches the disk before it is acknowledged: the only setting figures may be published with.</summary>
    public bool Durable => Fsync == "on" && SynchronousCommit is "on" or "remote_apply" or "remote_write" or "local";

    public override string ToString() =>
        $"{Version}; fsync={Fsync}, synchronous_commit={SynchronousCommit}, wal_sync_method={WalSyncMethod}, full_page_writes={FullPageWrites}, "
        + $"shared_buffers={SharedBuffers}, commit_delay={CommitDelay}, max_connections={MaxConnections}"
        + (Durable ? " — durable" : " — NOT DURABLE: do not publish these figures");
}
