using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.Workflows.EventStore;

/// <summary>
/// Maps stable event type names (<c>maintenance.reply_received.v1</c>) to CLR types and back, so classes can be
/// renamed without touching stored events (DESIGN.md §4). Bodies are System.Text.Json with snake_case names and
/// enums as snake_case strings. An upcaster turns an old stored shape into a newer type's shape on read;
/// stored events are never rewritten. Register at start-up; reads are thread-safe.
/// </summary>
public sealed class EventTypeRegistry
{
    private const int MaxUpcastHops = 32;

    private readonly ConcurrentDictionary<string, Type> _typesByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _namesByType = new();
    private readonly ConcurrentDictionary<string, Upcaster> _upcasters = new(StringComparer.Ordinal);
    private readonly Lock _registering = new();

    public EventTypeRegistry()
        : this(CreateDefaultSerializerOptions())
    {
    }

    public EventTypeRegistry(JsonSerializerOptions serializerOptions)
    {
        ArgumentNullException.ThrowIfNull(serializerOptions);
        serializerOptions.MakeReadOnly(populateMissingResolver: true);
        SerializerOptions = serializerOptions;
    }

    /// <summary>The options every event body is written and read with.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    public static JsonSerializerOptions CreateDefaultSerializerOptions() => new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public EventTypeRegistry Register<TEvent>(string typeName) where TEvent : class => Register(typeof(TEvent), typeName);

    /// <summary>Binds <paramref name="typeName"/> to <paramref name="clrType"/>; each name and each type can be bound once.</summary>
    public EventTypeRegistry Register(Type clrType, string typeName)
    {
        ArgumentNullException.ThrowIfNull(clrType);
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        lock (_registering)
        {
            if (_typesByName.TryGetValue(typeName, out var existingType) && existingType != clrType)
            {
                throw new InvalidOperationException($"event type '{typeName}' is already registered for {existingType.FullName}");
            }
            if (_namesByType.TryGetValue(clrType, out var existingName) && existingName != typeName)
            {
                throw new InvalidOperationException($"{clrType.FullName} is already registered as '{existingName}'");
            }
            if (_upcasters.ContainsKey(typeName))
            {
                throw new InvalidOperationException($"event type '{typeName}' has an upcaster: it is an old name and cannot be bound to a type");
            }
            _typesByName[typeName] = clrType;
            _namesByType[clrType] = typeName;
        }
        return this;
    }

    /// <summary>
    /// Reads events stored as <paramref name="oldTypeName"/> as <paramref name="newTypeName"/>, their JSON turned
    /// by <paramref name="upcast"/> (which may change the node in place). Upcasters chain: v1 → v2 → v3.
    /// </summary>
    public EventTypeRegistry RegisterUpcaster(string oldTypeName, string newTypeName, Func<JsonNode, JsonNode> upcast)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(oldTypeName);
        ArgumentException.ThrowIfNullOrWhiteSpace(newTypeName);
        ArgumentNullException.ThrowIfNull(upcast);
        if (oldTypeName == newTypeName)
        {
            throw new ArgumentException($"upcaster '{oldTypeName}': old and new type names are the same", nameof(newTypeName));
        }
        lock (_registering)
        {
            if (_upcasters.ContainsKey(oldTypeName))
            {
                throw new InvalidOperationException($"event type '{oldTypeName}' already has an upcaster");
            }
            if (_typesByName.ContainsKey(oldTypeName))
            {
                throw new InvalidOperationException($"event type '{oldTypeName}' is bound to a CLR type; an upcaster would hide it");
            }
            for (var next = newTypeName; _upcasters.TryGetValue(next, out var hop); next = hop.NewTypeName)
            {
                if (hop.NewTypeName == oldTypeName)
                {
                    throw new InvalidOperationException($"upcaster '{oldTypeName}' → '{newTypeName}' would close a cycle");
                }
            }
            _upcasters[oldTypeName] = new Upcaster(newTypeName, upcast);
        }
        return this;
    }

    public bool IsRegistered(string typeName) => _typesByName.ContainsKey(typeName) || _upcasters.ContainsKey(typeName);

    /// <summary>The stable name of <paramref name="clrType"/>; throws if it was never registered.</summary>
    public string TypeNameOf(Type clrType) =>
        _namesByType.TryGetValue(clrType, out var name)
            ? name
            : throw new InvalidOperationException($"{clrType.FullName} is not registered in the EventTypeRegistry");

    /// <summary>The CLR type stored events named <paramref name="typeName"/> are read as, after upcasting.</summary>
    public Type? TypeOf(string typeName)
    {
        var current = typeName;
        for (var hops = 0; hops <= MaxUpcastHops && current is not null; hops++)
        {
            if (_typesByName.TryGetValue(current, out var type))
            {
                return type;
            }
            current = _upcasters.TryGetValue(current, out var up) ? up.NewTypeName : null;
        }
        return null;
    }

    public EventToAppend Serialize(object evt, Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var type = evt.GetType();
        return new EventToAppend(TypeNameOf(type), JsonSerializer.Serialize(evt, type, SerializerOptions), id);
    }

    /// <summary>The event as its registered CLR type, upcast first when it was stored under an older name.</summary>
    public object Deserialize(RecordedEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var typeName = recorded.Type;
        if (_typesByName.TryGetValue(typeName, out var direct))
        {
            return JsonSerializer.Deserialize(recorded.Data, direct, SerializerOptions)
                ?? throw new JsonException($"event '{typeName}' (stream '{recorded.StreamId}', seq {recorded.Seq}) has a null body");
        }
        if (!_upcasters.ContainsKey(typeName))
        {
            throw new UnknownEventTypeException(typeName, recorded.StreamId, recorded.Seq);
        }

        var node = JsonNode.Parse(recorded.Data)
            ?? throw new JsonException($"event '{typeName}' (stream '{recorded.StreamId}', seq {recorded.Seq}) has a null body");
        for (var hops = 0; _upcasters.TryGetValue(typeName, out var up); hops++)
        {
            if (hops == MaxUpcastHops)
            {
                throw new InvalidOperationException($"event '{recorded.Type}': more than {MaxUpcastHops} upcasts");
            }
            node = up.Upcast(node) ?? throw new InvalidOperationException($"upcaster '{typeName}' → '{up.NewTypeName}' returned null");
            typeName = up.NewTypeName;
        }
        var target = _typesByName.TryGetValue(typeName, out var t)
            ? t
            : throw new UnknownEventTypeException(typeName, recorded.StreamId, recorded.Seq);
        return node.Deserialize(target, SerializerOptions)
            ?? throw new JsonException($"event '{typeName}' (stream '{recorded.StreamId}', seq {recorded.Seq}) has a null body");
    }

    public TEvent Deserialize<TEvent>(RecordedEvent recorded) where TEvent : class =>
        Deserialize(recorded) as TEvent
            ?? throw new InvalidCastException($"event '{recorded.Type}' (stream '{recorded.StreamId}', seq {recorded.Seq}) is not a {typeof(TEvent).Name}");

    private sealed record Upcaster(string NewTypeName, Func<JsonNode, JsonNode> Upcast);
}
