using System.Net.NetworkInformation;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Faults;

/// <summary>
/// The built-in monitor (Doctor's sample monitor, in process): pings every configured host each interval; after
/// <see cref="PingMonitorOptions.Misses"/> missed replies in a row it reports <c>compute.host.down</c> through the
/// inspector, and <c>compute.host.up</c> when replies return. Idle when no host is configured.
/// </summary>
public sealed class PingMonitor(FaultInspector inspector, IOptions<FaultOptions> options, TimeProvider clock, ILogger<PingMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.PingMonitor;
        if (settings.Hosts.Count == 0)
            return;
        logger.LogInformation("Ping monitor: watching {Count} host(s) every {Interval}", settings.Hosts.Count, settings.Interval);
        await Task.WhenAll(settings.Hosts.Select(h => WatchAsync(h.Key, h.Value, settings, stoppingToken)));
    }

    private async Task WatchAsync(string host, string address, PingMonitorOptions settings, CancellationToken ct)
    {
        using var ping = new Ping();
        using var timer = new PeriodicTimer(settings.Interval);
        var missed = 0;
        var down = false;
        try
        {
            do
            {
                bool replied;
                try
                {
                    var reply = await ping.SendPingAsync(address, settings.Timeout);
                    replied = reply.Status == IPStatus.Success;
                }
                catch (PingException)
                {
                    replied = false;
                }
                missed = replied ? 0 : missed + 1;
                if (!down && missed >= settings.Misses)
                {
                    down = true;
                    await ReportAsync(host, address, FaultInspector.HostDown, $"{missed} pings unanswered", ct);
                }
                else if (down && replied)
                {
                    down = false;
                    await ReportAsync(host, address, FaultInspector.HostUp, "pings answered again", ct);
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ReportAsync(string host, string address, string type, string cause, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var details = new JsonObject
        {
            ["hostname"] = host,
            ["source"] = "doctor-ping-monitor",
            ["cause"] = cause,
            ["status"] = type == FaultInspector.HostDown ? "down" : "up",
            ["address"] = address,
        };
        try
        {
            await inspector.ReportAsync([new FaultReport(now, type, host, null, cause, details, "ping")], now, "ping-monitor", ct: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Ping monitor: reporting {Type} for {Host} failed", type, host);
        }
    }
}
