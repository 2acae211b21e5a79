namespace Doctor.Benchmarks.Faults;

/// <summary>
/// One way of running the service for the cold-start part: which build (the plain Release output, or the ReadyToRun
/// publish) and the environment given to its process on top of the common one.
/// </summary>
public sealed record ServiceVariant(string Name, bool ReadyToRun, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>What is measured unless <c>--variants</c> says otherwise.</summary>
    public static readonly IReadOnlyList<ServiceVariant> Defaults =
    [
        new("default", false, new Dictionary<string, string>()),
        new("r2r", true, new Dictionary<string, string>()),
        new("tc-off", false, new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }),
        new("tpgo-off", false, new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" }),
    ];

    /// <summary>Named ones that cost another build of nothing, measured only when <c>--variants</c> names them.</summary>
    public static readonly IReadOnlyList<ServiceVariant> Extras =
    [
        new("r2r-tpgo-off", true, new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" }),
        new("r2r-tc-off", true, new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }),
        // Loops jitted straight at full optimisation instead of at tier 0 with on-stack replacement.
        new("tc-quickjitloops-off", false, new Dictionary<string, string> { ["DOTNET_TC_QuickJitForLoops"] = "0" }),
    ];

    /// <summary>
    /// <c>name:KEY=VALUE,KEY2=VALUE2</c> (on the plain build) or <c>name@r2r:KEY=VALUE</c> (on the ReadyToRun publish);
    /// the environment may be empty (<c>name@r2r</c>). Null and a reason when <paramref name="text"/> is not one.
    /// </summary>
    public static ServiceVariant? TryParse(string text, out string? problem)
    {
        problem = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var head = colon < 0 ? text : text[..colon];
        var readyToRun = head.EndsWith("@r2r", StringComparison.Ordinal);
        var name = readyToRun ? head[..^"@r2r".Length] : head;
        if (name.Length == 0 || name.Contains('@', StringComparison.Ordinal))
        {
            problem = $"--variant '{text}': expected name[@r2r]:KEY=VALUE,KEY2=VALUE2";
            return null;
        }
        var environment = new Dictionary<string, string>();
        if (colon >= 0 && !TryParseEnvironment(text[(colon + 1)..], environment, out var bad))
        {
            problem = $"--variant '{text}': '{bad}' is not KEY=VALUE";
            return null;
        }
        return new ServiceVariant(name, readyToRun, environment);
    }

    /// <summary>Adds <c>KEY=VALUE,KEY2=VALUE2</c> to <paramref name="into"/>; false and the bad item when one is not KEY=VALUE.</summary>
    private static bool TryParseEnvironment(string text, Dictionary<string, string> into, out string? bad)
    {
        bad = null;
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                bad = item;
                return false;
            }
            into[item[..equals]] = item[(equals + 1)..];
        }
        return true;
    }
}
