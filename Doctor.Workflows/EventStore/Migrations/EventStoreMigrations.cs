namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>Every migration, in order. Append new ones; never edit one that has shipped.</summary>
internal static class EventStoreMigrations
{
    public static IReadOnlyList<EventStoreMigration> All { get; } =
    [
        Migration0001Initial.Migration,
        Migration0002WorkflowDefinitions.Migration,
        Migration0003Alarms.Migration,
        Migration0004Constraints.Migration,
        Migration0006Notifier.Migration,
        Migration0007AccessTokens.Migration,
        Migration0008SimulatedCloud.Migration,
        Migration0009NotifierNodes.Migration,
        Migration0010SetBasedAppend.Migration,
        Migration0011AlarmChanges.Migration,
        Migration0012SessionList.Migration,
    ];
}
