using Doctor.Workflows.Faults;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Doctor.AdminApi.Infrastructure;

/// <summary>
/// <c>/v1/infra/*</c> (CONTRACTS.md "Simulated cloud"): inspect and seed the simulated cloud, boot and delete
/// instances, move floating IPs, inject failures. Needs <see cref="SimulatedCloudServiceCollectionExtensions.AddSimulatedCloud"/>.
/// </summary>
public static class SimulatedCloudEndpoints
{
    /// <summary>Maps the routes; returns the group so the host can add authorization (admin only) to it.</summary>
    public static RouteGroupBuilder MapSimulatedCloudApi(this IEndpointRouteBuilder app)
    {
        var infra = app.MapGroup("/v1/infra").WithTags("Simulated cloud");
        var driver = CloudServiceCollectionExtensions.DriverOf(app.ServiceProvider.GetRequiredService<IConfiguration>());
        if (driver != CloudOptions.SimulatedDriver)
        {
            // A real cloud is driven: its own APIs (Nova, Neutron) are where instances are booted and seen.
            infra.Map("/{**path}", () => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                title: $"the simulated cloud is not in use: {CloudOptions.Section}:Driver is {driver}",
                detail: "Hosts: GET /v1/resources/physical; instances: the cloud's own compute API."));
            return infra;
        }
        infra.MapGet("/hosts", ListHosts);
        infra.MapGet("/instances", ListInstances);
        infra.MapGet("/instances/{id}", GetInstance);
        infra.MapPost("/instances", CreateInstance);
        infra.MapDelete("/instances/{id}", DeleteInstance);
        infra.MapPut("/floating_ips/{ip}", MoveFloatingIp);
        infra.MapPost("/seed", Seed);
        infra.MapPost("/failures", InjectFailure);
        infra.MapDelete("/failures", ClearFailures);
        return infra;
    }

    public static async Task<Ok<InfraHostResponse[]>> ListHosts([FromServices] SimulatedCloud cloud, IServiceProvider services, CancellationToken ct) =>
        TypedResults.Ok(await ViewsAsync(cloud.DescribeHosts(), services, ct));

    /// <summary>
    /// The hosts with the state their streams say (StateQuery's); a simulated cloud served alone, without the engine,
    /// has no streams and shows its own.
    /// </summary>
    private static async Task<InfraHostResponse[]> ViewsAsync(IReadOnlyList<SimulatedHost> hosts, IServiceProvider services, CancellationToken ct)
    {
        var physical = services.GetService<PhysicalResources>();
        var views = new InfraHostResponse[hosts.Count];
        for (var i = 0; i < views.Length; i++)
            views[i] = physical is null ? InfraHostResponse.From(hosts[i]) : InfraHostResponse.From(hosts[i], await physical.GetAsync(hosts[i].Name, ct));
        return views;
    }

    public static async Task<Ok<InfraInstanceResponse[]>> ListInstances(
        [FromServices] SimulatedCloud cloud,
        [FromQuery(Name = "project_id")] string? projectId,
        [FromQuery(Name = "host")] string? host,
        CancellationToken ct)
    {
        var instances = await cloud.ListInstancesAsync(NullIfEmpty(host), NullIfEmpty(projectId), ct);
        return TypedResults.Ok(instances.Select(InfraInstanceResponse.From).ToArray());
    }

    public static async Task<Results<Ok<InfraInstanceResponse>, ProblemHttpResult>> GetInstance(
        [FromServices] SimulatedCloud cloud, string id, CancellationToken ct) =>
        await cloud.GetInstanceAsync(id, ct) is { } instance
            ? TypedResults.Ok(InfraInstanceResponse.From(instance))
            : NotFound($"id: no instance '{id}'");

    public static async Task<Results<Created<InfraInstanceResponse>, ProblemHttpResult>> CreateInstance(
        [FromServices] SimulatedCloud cloud, HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<CreateInstanceRequest>(request, ct);
        if (problem is not null)
            return problem;
        if (body!.Vcpus is null)
            return JsonRequestBody.BadRequest("vcpus: required");
        try
        {
            var instance = cloud.CreateInstance(body.ProjectId!, body.Name!, body.Vcpus.Value, body.Id);
            return TypedResults.Created($"/v1/infra/instances/{Uri.EscapeDataString(instance.Id)}", InfraInstanceResponse.From(instance));
        }
        catch (SimulatedCloudValidationException e)
        {
            return JsonRequestBody.BadRequest(e.Message);
        }
        catch (InfrastructureActionFailedException e)
        {
            // Not an injected failure: the scheduler found no room, which is about the vcpus asked for.
            return Refused(e, "vcpus", StatusCodes.Status400BadRequest);
        }
    }

    public static Results<NoContent, ProblemHttpResult> DeleteInstance([FromServices] SimulatedCloud cloud, string id)
    {
        try
        {
            return cloud.DeleteInstance(id) ? TypedResults.NoContent() : NotFound($"id: no instance '{id}'");
        }
        catch (InfrastructureActionFailedException e)
        {
            return Refused(e, "id", StatusCodes.Status409Conflict);
        }
    }

    public static async Task<Results<Ok<InfraInstanceResponse>, ProblemHttpResult>> MoveFloatingIp(
        [FromServices] SimulatedCloud cloud, string ip, HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<MoveFloatingIpRequest>(request, ct);
        if (problem is not null)
            return problem;
        if (string.IsNullOrWhiteSpace(body!.InstanceId))
            return JsonRequestBody.BadRequest("instance_id: required");
        try
        {
            return cloud.MoveFloatingIp(ip, body.InstanceId) is { } instance
                ? TypedResults.Ok(InfraInstanceResponse.From(instance))
                : NotFound($"instance_id: no instance '{body.InstanceId}'");
        }
        catch (SimulatedCloudValidationException e)
        {
            return JsonRequestBody.BadRequest(e.Message);
        }
        catch (InfrastructureActionFailedException e)
        {
            // The instance already holds another floating IP: a conflict with its state, not bad input.
            return Refused(e, "instance_id", StatusCodes.Status409Conflict);
        }
    }

    public static async Task<Results<Ok<InfraTopologyResponse>, ProblemHttpResult>> Seed(
        [FromServices] SimulatedCloud cloud, IServiceProvider services, HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<SeedRequest>(request, ct);
        if (problem is not null)
            return problem;
        if (body!.Hosts is null)
            return JsonRequestBody.BadRequest("hosts: required");

        var hosts = new List<SimulatedHostSeed>(body.Hosts.Count);
        for (var i = 0; i < body.Hosts.Count; i++)
        {
            if (body.Hosts[i] is not { } host)
                return JsonRequestBody.BadRequest($"hosts[{i}]: must be an object");
            if (host.Vcpus is null)
                return JsonRequestBody.BadRequest($"hosts[{i}].vcpus: required");
            hosts.Add(new SimulatedHostSeed(host.Name!, host.Vcpus.Value));
        }
        var requested = body.Instances ?? [];
        var instances = new List<SimulatedInstanceSeed>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            if (requested[i] is not { } instance)
                return JsonRequestBody.BadRequest($"instances[{i}]: must be an object");
            if (instance.Vcpus is null)
                return JsonRequestBody.BadRequest($"instances[{i}].vcpus: required");
            instances.Add(new SimulatedInstanceSeed(
                instance.Id, instance.Name!, instance.Host!, instance.ProjectId!, instance.Vcpus.Value, instance.FloatingIp));
        }

        try
        {
            cloud.Seed(hosts, instances);
        }
        catch (SimulatedCloudValidationException e)
        {
            return JsonRequestBody.BadRequest(e.Message);
        }
        // A re-seed is a repaired cloud: hosts it shows up end the incidents that fenced them, before the answer says so.
        if (services.GetService<HostReconciliation>() is { } reconciliation)
            await reconciliation.ReconcileNowAsync(null, ct);
        var snapshot = cloud.Snapshot();
        return TypedResults.Ok(new InfraTopologyResponse(
            await ViewsAsync(snapshot.Hosts, services, ct),
            snapshot.Instances.Select(InfraInstanceResponse.From).ToArray()));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> InjectFailure(
        [FromServices] SimulatedCloud cloud, HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<InjectFailureRequest>(request, ct);
        if (problem is not null)
            return problem;
        try
        {
            cloud.InjectFailure(body!.Action!, body.Target!);
            return TypedResults.NoContent();
        }
        catch (SimulatedCloudValidationException e)
        {
            return JsonRequestBody.BadRequest(e.Message);
        }
    }

    public static NoContent ClearFailures([FromServices] SimulatedCloud cloud)
    {
        cloud.ClearFailures();
        return TypedResults.NoContent();
    }

    /// <summary>
    /// An action the cloud refused. An injected failure stands for the cloud being unwell (503); anything else is
    /// about <paramref name="field"/> and answers <paramref name="status"/>.
    /// </summary>
    private static ProblemHttpResult Refused(InfrastructureActionFailedException e, string field, int status) =>
        e.Reason == SimulatedCloud.InjectedFailureReason
            ? TypedResults.Problem(title: $"{e.Action} of {e.Target}: {e.Reason}", statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Problem(title: $"{field}: {e.Reason}", statusCode: status);

    private static ProblemHttpResult NotFound(string title) =>
        TypedResults.Problem(title: title, statusCode: StatusCodes.Status404NotFound);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
