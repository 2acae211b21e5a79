namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>Durable webhook delivery, signing secrets, native northbound subscriptions, alarm history (<see cref="Notifications.Delivery.NotifierSchema"/>).</summary>
internal static class Migration0006Notifier
{
    public static EventStoreMigration Migration { get; } = new(6, "notifier", Notifications.Delivery.NotifierSchema.Sql);
}
