using Doctor.Workflows.EventStore;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Doctor.Workflows.Notifications.Bus;

public static class BusServiceCollectionExtensions
{
    /// <summary>
    /// The bus (DESIGN.md §7) through MassTransit: RabbitMQ when <c>Doctor:RabbitMq</c> holds an AMQP URI, in-memory
    /// otherwise. Registers the feed handler that publishes every notification, Doctor's own inspector as a consumer of
    /// <c>maintenance.host</c>, and the <c>bus</c> health entry (degraded, not unhealthy, while the broker is away:
    /// the API keeps serving and notifications wait in the store).
    /// </summary>
    public static IServiceCollection AddDoctorBus(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(BusPublisher)))
            return services;
        services.Configure<BusOptions>(configuration.GetSection(BusOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BusMetrics>();
        services.AddSingleton<InspectorReactions>();
        services.AddSingleton<BusPublisher>();
        services.AddSingleton<IEventFeedHandler>(sp => sp.GetRequiredService<BusPublisher>());

        var settings = configuration.GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();
        services.AddMassTransit(bus =>
        {
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = BusTopology.HealthCheckName;
                health.MinimalFailureStatus = HealthStatus.Degraded;
            });
            bus.AddConsumer<MaintenanceHostInspector>();
            if (!settings.UsesRabbitMq)
            {
                bus.UsingInMemory((context, cfg) =>
                    cfg.ReceiveEndpoint(BusTopology.InspectorQueue, endpoint =>
                    {
                        endpoint.ConcurrentMessageLimit = 1; // in order: IN_MAINTENANCE before MAINTENANCE_COMPLETE
                        endpoint.ConfigureConsumer<MaintenanceHostInspector>(context);
                    }));
            }
            else
            {
                bus.UsingRabbitMq((context, cfg) => ConfigureRabbitMq(context, cfg, new Uri(settings.RabbitMq!), settings.BusInspectorQueue));
            }
        });
        return services;
    }

    /// <summary>
    /// Raw JSON to the topic exchange <c>doctor</c>, routing key = event type, publisher confirms on. MassTransit does
    /// this with its own topology settings (entity name, exchange type, routing key formatter, raw serializer), so no
    /// second client is needed; what MassTransit adds is transport headers (content_type application/json, message_id),
    /// which plain AMQP consumers ignore.
    /// </summary>
    private static void ConfigureRabbitMq(IBusRegistrationContext context, IRabbitMqBusFactoryConfigurator cfg, Uri broker, string inspectorQueue)
    {
        cfg.Host(broker, host => host.PublisherConfirmation = true);
        cfg.UseRawJsonSerializer(RawSerializerOptions.AddTransportHeaders | RawSerializerOptions.AnyMessageType, isDefault: true);
        cfg.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        cfg.Message<BusNotification>(m => m.SetEntityName(BusTopology.Exchange));
        cfg.Publish<BusNotification>(p =>
        {
            p.ExchangeType = ExchangeType.Topic;
            p.Durable = true;
            p.AutoDelete = false;
        });
        cfg.Send<BusNotification>(s => s.UseRoutingKeyFormatter(c => c.Message.EventType));
        cfg.ReceiveEndpoint(inspectorQueue, endpoint =>
        {
            // Bound like any external inspector would bind, not through MassTransit's message-type exchanges.
            endpoint.ConfigureConsumeTopology = false;
            endpoint.Bind(BusTopology.Exchange, binding =>
            {
                binding.ExchangeType = ExchangeType.Topic;
                binding.RoutingKey = Maintenance.MaintenanceNotifications.Host;
            });
            endpoint.ConcurrentMessageLimit = 1; // in order: IN_MAINTENANCE before MAINTENANCE_COMPLETE
            endpoint.PrefetchCount = 16;
            endpoint.ConfigureConsumer<MaintenanceHostInspector>(context);
        });
    }
}
