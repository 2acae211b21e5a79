using System.Diagnostics;

namespace Doctor.Tests.Faults;

/// <summary>
/// A real host to ping: a network namespace joined to this one by a veth pair on a private /30 (10.213.x.y), named
/// uniquely per run. Needs root (CAP_NET_ADMIN); without it the constructor fails loudly. Disposal removes both.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private NetworkNamespace(string name, string hostLink, string address)
    {
        Name = name;
        HostLink = hostLink;
        Address = address;
    }

    public string Name { get; }
    public string HostLink { get; }

    /// <summary>The address inside the namespace, answering pings while the link is up.</summary>
    public string Address { get; }

    public static NetworkNamespace Create()
    {
        var uid = Run("id", "-u").Trim();
        if (uid != "0")
            Assert.Fail($"the ping monitor test needs root to create a network namespace (running as uid {uid}); CI runs as root");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var name = $"doctor-{tag}";
        var hostLink = $"dh{tag}";
        var peer = $"dp{tag}";
        var octet = Random.Shared.Next(0, 256);
        var block = Random.Shared.Next(0, 64) * 4;
        var ns = new NetworkNamespace(name, hostLink, $"10.213.{octet}.{block + 2}");
        try
        {
            Run("ip", $"netns add {name}");
            Run("ip", $"link add {hostLink} type veth peer name {peer}");
            Run("ip", $"link set {peer} netns {name}");
            Run("ip", $"addr add 10.213.{octet}.{block + 1}/30 dev {hostLink}");
            Run("ip", $"link set {hostLink} up");
            Run("ip", $"netns exec {name} ip addr add {ns.Address}/30 dev {peer}");
            Run("ip", $"netns exec {name} ip link set {peer} up");
            Run("ip", $"netns exec {name} ip link set lo up");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    public void LinkDown() => Run("ip", $"link set {HostLink} down");

    public void LinkUp() => Run("ip", $"link set {HostLink} up");

    public void Dispose()
    {
        // Deleting one end of a veth pair deletes both; each step runs even if the one before failed.
        TryRun("ip", $"link del {HostLink}");
        TryRun("ip", $"netns del {Name}");
    }

    private static void TryRun(string file, string args)
    {
        try
        {
            Run(file, args);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string Run(string file, string args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {args}: exit {process.ExitCode}: {error}");
    }
}
