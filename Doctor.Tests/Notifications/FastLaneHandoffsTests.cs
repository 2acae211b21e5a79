using Doctor.Workflows.Notifications;

namespace Doctor.Tests.Notifications;

/// <summary>
/// The fast lane's promise to the feed (<see cref="FastLaneHandoffs"/>): outbox events reserved right after their append
/// are left to the fast lane even when the feed reaches them before their turn to be handed over, and go back to the
/// feed when the hand-over never happens or its rows are not written.
/// </summary>
public sealed class FastLaneHandoffsTests
{
    private readonly FastLaneHandoffs _handoffs = new(TimeProvider.System);

    [Fact]
    public async Task GivenReservedEvents_WhenTheFeedClaimsOneBeforeItIsHandedOver_ThenItWaitsAndSkipsItOnceItsRowsAreWritten()
    {
        using var reservation = _handoffs.Reserve([10, 11]);
        var claim = _handoffs.ClaimAsync(11).AsTask();
        await Task.Delay(50);
        Assert.False(claim.IsCompleted); // the feed waits for the fast lane instead of routing event 11 itself

        var written = new TaskCompletionSource<bool>();
        _handoffs.Add([11], written.Task);
        Assert.False(claim.IsCompleted);
        written.SetResult(true);

        Assert.True(await claim.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GivenReservedEvents_WhenHandedOverBeforeTheFeedComes_ThenTheFeedSkipsThem()
    {
        using (_handoffs.Reserve([20, 21]))
        {
            _handoffs.Add([20, 21], Task.FromResult(true));
        }

        Assert.True(await _handoffs.ClaimAsync(20));
        Assert.True(await _handoffs.ClaimAsync(21));
        Assert.False(await _handoffs.ClaimAsync(21)); // claimed once, then forgotten
    }

    [Fact]
    public async Task GivenAReservation_WhenItIsReleasedWithoutAHandOver_ThenTheFeedRoutesTheEventsItself()
    {
        var reservation = _handoffs.Reserve([30, 31]);
        var waiting = _handoffs.ClaimAsync(30).AsTask();
        _handoffs.Add([31], Task.FromResult(true)); // only 31 was handed over before the hand-overs stopped

        reservation.Dispose();

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await _handoffs.ClaimAsync(31));
    }

    [Fact]
    public async Task GivenAReservedEvent_WhenItsRowsCouldNotBeWritten_ThenTheFeedRoutesIt()
    {
        using var reservation = _handoffs.Reserve([40]);
        var claim = _handoffs.ClaimAsync(40).AsTask();

        _handoffs.Add([40], Task.FromResult(false));

        Assert.False(await claim.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
