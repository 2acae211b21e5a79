namespace Doctor.Workflows.EventStore;

/// <summary>An event not yet written: its stable type name (e.g. <c>maintenance.reply_received.v1</c>) and its JSON body.</summary>
public sealed record EventToAppend(string Type, string Data, Guid? Id = null);
