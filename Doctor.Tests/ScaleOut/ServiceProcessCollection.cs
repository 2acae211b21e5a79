namespace Doctor.Tests.ScaleOut;

/// <summary>
/// Tests that start service processes run alone, after the rest: a dozen process starts on two shared cores would
/// otherwise slow every other test past its windows, and be slowed past their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServiceProcessCollection
{
    public const string Name = "service processes";
}
