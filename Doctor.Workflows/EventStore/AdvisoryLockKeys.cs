namespace Doctor.Workflows.EventStore;

/// <summary>
/// Keys of the PostgreSQL advisory locks the store takes. They share one 64-bit space per database with every
/// other advisory lock user, so they carry a fixed prefix ("DOCT") to stay clear of them.
/// </summary>
internal static class AdvisoryLockKeys
{
    /// <summary>Held for the length of an append transaction: one writer at a time, so seq order is commit order.</summary>
    public const long Append = 0x444F_4354_0000_0001;

    /// <summary>Held while migrations run, so two processes starting at once do not race.</summary>
    public const long Migrate = 0x444F_4354_0000_0002;
}
