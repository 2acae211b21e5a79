namespace Doctor.Tests;

public class SkeletonTests
{
    [Fact]
    public void ExpectedVersion_NoStream_IsZero() => Assert.Equal(0, Doctor.Workflows.EventStore.ExpectedVersion.NoStream.Value);
}
