using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Doctor.Workflows.EventStore;

/// <summary>The stored shape of <see cref="EventMetadata"/>: <c>{correlation_id, causation_id, actor, command_id}</c>.</summary>
internal static class EventMetadataJson
{
    public static string Write(EventMetadata metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("correlation_id", metadata.CorrelationId);
            writer.WriteString("causation_id", metadata.CausationId);
            writer.WriteString("actor", metadata.Actor);
            writer.WriteString("command_id", metadata.CommandId);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
