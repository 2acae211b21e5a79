using Doctor.AdminApi.Errors;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.AdminApi.Alarms;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Notifications.Delivery;
using Doctor.Workflows.Notifications.Subscriptions;
using Doctor.Workflows.Notifications.Targets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Notifications;

/// <summary>
/// Native northbound subscriptions (<c>/v1/subscriptions</c>), their delivery history, and the dead letters
/// (<c>/v1/dead-letters</c>, admin). Only the owner of a resource or an admin may subscribe to it: a project naming
/// another project's instance gets the same 404 as for one that does not exist.
/// </summary>
public static class SubscriptionEndpoints
{
    private const int DefaultLimit = 1_000;

    public static IEndpointRouteBuilder MapNotifierApi(this IEndpointRouteBuilder routes)
    {
        // Created now so the notifier's gauges exist from the first scrape.
        routes.ServiceProvider.GetService<NotifierMetrics>();
        var subscriptions = routes.MapGroup("/v1/subscriptions").WithTags("Subscriptions");
        subscriptions.MapPost("", SubscribeAsync);
        subscriptions.MapGet("", ListAsync);
        subscriptions.MapGet("/{id}", GetAsync);
        subscriptions.MapDelete("/{id}", DeleteAsync);
        subscriptions.MapGet("/{id}/deliveries", DeliveriesAsync);
        var deadLetters = routes.MapGroup("/v1/dead-letters").WithTags("Subscriptions");
        deadLetters.MapGet("", DeadLettersAsync);
        deadLetters.MapPost("/{id}/redrive", RedriveAsync);
        return routes;
    }

    private static async Task<Results<Created<SubscribeResponse>, ProblemHttpResult>> SubscribeAsync(
        HttpRequest request, ClaimsPrincipal user, SubscriptionDirectory directory, WebhookSecrets secrets, IInfrastructure infrastructure,
        IActiveFaults faults, WebhookTargetPolicy targets, TimeProvider clock, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, documentOptions: StrictJson.Document, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return BadRequest($"body: malformed JSON ({e.Message})");
        }
        if (SubscribeRequest.TryRead(body, out var problem) is not { } read)
            return BadRequest(problem!);
        var (filter, endpoints) = read;
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (await targets.CheckAsync(endpoints[i], $"endpoints[{i}]", ct) is { } refused)
                return BadRequest(refused);
        }

        var resources = new List<(string Id, string State)>();
        if (filter.VirtualResourceIds.Count > 0)
        {
            foreach (var id in filter.VirtualResourceIds)
            {
                var instance = await infrastructure.GetInstanceAsync(id, ct);
                if (instance is not null && (caller.IsAdmin || string.Equals(instance.ProjectId, caller.ProjectId, StringComparison.Ordinal)))
                    resources.Add((instance.Id, instance.Status));
                else if (caller.IsAdmin && (await infrastructure.ListHostsAsync(ct)).FirstOrDefault(h => h.Name == id) is { } host)
                    resources.Add((host.Name, host.State)); // an admin may watch a host too
                else
                    // Another project's instance is as absent as a missing one: nothing leaks about it.
                    return NotFound($"filter.virtual_resource_id: '{id}' not found");
            }
        }
        else
        {
            foreach (var instance in await infrastructure.ListInstancesAsync(projectId: caller.IsAdmin ? null : caller.ProjectId, ct: ct))
                resources.Add((instance.Id, instance.Status));
        }

        var subscription = new NorthboundSubscription(Guid.NewGuid(), caller.IsAdmin ? null : caller.ProjectId, filter, endpoints, clock.GetUtcNow());
        var open = resources.Count == 0 ? [] : await faults.ForResourcesAsync([.. resources.Select(r => r.Id)], ct);
        var info = resources
            .Select(r => new VirtualResourceView(r.Id, r.State, [.. open.Where(f => f.ResourceId == r.Id && filter.AcceptsFault(f.FaultType, f.Severity))]))
            .ToList();
        // The secret first: the subscription can receive a notification as soon as it exists, and every one is signed.
        var secret = await secrets.CreateAsync(subscription.Subscriber, ct);
        await directory.CreateAsync(subscription, ct);
        return TypedResults.Created($"/v1/subscriptions/{subscription.Id}", new SubscribeResponse(subscription.Id.ToString(), secret, info));
    }

    private static async Task<Results<Ok<List<SubscriptionView>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, SubscriptionDirectory directory, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        return TypedResults.Ok(directory.All.Where(s => Owns(caller, s)).Select(SubscriptionView.Of).ToList());
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, SubscriptionDirectory directory, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        return Visible(id, caller, directory) is { } subscription ? TypedResults.Ok(SubscriptionView.Of(subscription)) : NotFound($"subscription '{id}' not found");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, SubscriptionDirectory directory, WebhookSecrets secrets, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        await directory.EnsureLoadedAsync(ct);
        if (Visible(id, caller, directory) is not { } subscription || !await directory.DeleteAsync(subscription.Id, ct))
            return NotFound($"subscription '{id}' not found");
        await secrets.DeleteAsync(subscription.Subscriber, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<DeliveryView>>, ProblemHttpResult>> DeliveriesAsync(
        string id, HttpRequest request, ClaimsPrincipal user, SubscriptionDirectory directory, DeliveryStore store, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { } caller)
            return Forbidden(refusal!);
        if (ReadLimit(request) is not { } limit)
            return BadRequest("limit: expected an integer from 1 to 10000");
        await directory.EnsureLoadedAsync(ct);
        if (Visible(id, caller, directory) is not { } subscription)
            return NotFound($"subscription '{id}' not found");
        return TypedResults.Ok((await store.ListBySubscriberAsync(subscription.Subscriber, limit, ct)).Select(DeliveryView.Of).ToList());
    }

    private static async Task<Results<Ok<List<DeliveryView>>, ProblemHttpResult>> DeadLettersAsync(
        HttpRequest request, ClaimsPrincipal user, DeliveryStore store, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { IsAdmin: true })
            return Forbidden(refusal ?? "dead letters are for admins only");
        if (ReadLimit(request) is not { } limit)
            return BadRequest("limit: expected an integer from 1 to 10000");
        return TypedResults.Ok((await store.ListDeadAsync(limit, ct)).Select(DeliveryView.Of).ToList());
    }

    private static async Task<Results<Accepted<DeliveryView>, ProblemHttpResult>> RedriveAsync(
        string id, ClaimsPrincipal user, DeliveryStore store, WebhookDispatcher dispatcher, DeliveryRecovery recovery, CancellationToken ct)
    {
        if (AlarmCaller.From(user, out var refusal) is not { IsAdmin: true })
            return Forbidden(refusal ?? "dead letters are for admins only");
        if (!Guid.TryParse(id, out var deliveryId) || await store.GetAsync(deliveryId, ct) is not { } stored)
            return NotFound($"dead letter '{id}' not found");
        // Recovered first, or the recovery would queue this one a second time.
        await recovery.EnsureRecoveredAsync(ct);
        if (await store.RedriveAsync(deliveryId, ct) is not { } delivery)
            return TypedResults.Problem(title: $"delivery '{id}' is not a dead letter (status {stored.Status})", statusCode: StatusCodes.Status409Conflict);
        dispatcher.Enqueue(delivery);
        return TypedResults.Accepted($"/v1/dead-letters/{id}", DeliveryView.Of(stored with { Status = StoredDelivery.Pending, Attempts = 0, LastError = null, SettledAt = null }));
    }

    private static int? ReadLimit(HttpRequest request)
    {
        var text = request.Query["limit"].ToString();
        if (text.Length == 0)
            return DefaultLimit;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= 10_000 ? limit : null;
    }

    private static bool Owns(AlarmCaller caller, NorthboundSubscription subscription) =>
        caller.IsAdmin || string.Equals(subscription.ProjectId, caller.ProjectId, StringComparison.Ordinal);

    private static NorthboundSubscription? Visible(string id, AlarmCaller caller, SubscriptionDirectory directory) =>
        Guid.TryParse(id, out var subscriptionId) && directory.Find(subscriptionId) is { } subscription && Owns(caller, subscription) ? subscription : null;

    private static ProblemHttpResult BadRequest(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult Forbidden(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status403Forbidden);

    private static ProblemHttpResult NotFound(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status404NotFound);
}
