namespace Doctor.Domain.Hosts;

/// <summary>The wire names of <see cref="HostState"/> (<c>normal</c>, <c>maintenance</c>, <c>down</c>, <c>error</c>) and of <see cref="HostStatus"/>.</summary>
public static class HostStates
{
    public const string Normal = "normal";
    public const string Maintenance = "maintenance";
    public const string Down = "down";
    public const string Error = "error";

    public static readonly IReadOnlyList<string> All = [Normal, Maintenance, Down, Error];

    public static string Name(this HostState state) => state switch
    {
        HostState.Maintenance => Maintenance,
        HostState.Down => Down,
        HostState.Error => Error,
        _ => Normal,
    };

    /// <summary>Parses a wire name, ignoring case and surrounding blanks.</summary>
    public static bool TryParse(string? text, out HostState state)
    {
        state = (text?.Trim().ToLowerInvariant()) switch
        {
            Normal => HostState.Normal,
            Maintenance => HostState.Maintenance,
            Down => HostState.Down,
            Error => HostState.Error,
            _ => (HostState)(-1),
        };
        return Enum.IsDefined(state);
    }

    /// <summary>Nova's <c>host_status</c> spelling: <c>UP</c>, <c>DOWN</c>, <c>MAINTENANCE</c>, <c>UNKNOWN</c>.</summary>
    public static string Name(this HostStatus status) => status switch
    {
        HostStatus.Down => "DOWN",
        HostStatus.Maintenance => "MAINTENANCE",
        HostStatus.Unknown => "UNKNOWN",
        _ => "UP",
    };
}
