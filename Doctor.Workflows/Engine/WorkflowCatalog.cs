using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctor.Workflows.Engine;

/// <summary>
/// The workflow definitions: every <c>*.json</c> of the workflows directory, validated at start (a bad file stops the
/// service, naming file and path). Each loaded (id, version) is also kept in the database, so a session still finds the
/// exact definition it started with after the file moved on to a new version. The same version with other content is refused.
/// </summary>
public sealed class WorkflowCatalog(NpgsqlDataSource dataSource, ILogger<WorkflowCatalog> logger)
{
    private readonly ConcurrentDictionary<(string Id, int Version), WorkflowDefinition> _definitions = new();
    private readonly ConcurrentDictionary<string, WorkflowDefinition> _latest = new(StringComparer.Ordinal);
    private WorkflowVocabulary? _vocabulary;

    public IReadOnlyCollection<WorkflowDefinition> Current => _latest.Values.ToList();

    public async Task LoadAsync(string directory, WorkflowVocabulary vocabulary, CancellationToken ct)
    {
        _vocabulary = vocabulary;
        if (!Directory.Exists(directory))
            throw new WorkflowDefinitionException(directory, "$", "workflows directory not found (set Doctor:Maintenance:WorkflowsDirectory)");
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.Combine(Path.GetFileName(directory), Path.GetFileName(file));
            var definition = WorkflowDefinitionLoader.Load(name, await File.ReadAllTextAsync(file, ct), vocabulary);
            if (_latest.TryGetValue(definition.Id, out var other) && other.Version == definition.Version)
                throw new WorkflowDefinitionException(name, "$.id", $"workflow '{definition.Id}' version {definition.Version} is defined twice");
            await RememberAsync(name, definition, ct);
            _definitions[(definition.Id, definition.Version)] = definition;
            if (!_latest.TryGetValue(definition.Id, out var latest) || latest.Version < definition.Version)
                _latest[definition.Id] = definition;
            logger.LogInformation("Workflow {WorkflowId} v{Version} loaded from {File}", definition.Id, definition.Version, name);
        }
        if (_latest.IsEmpty)
            throw new WorkflowDefinitionException(directory, "$", "no workflow definitions (*.json) found");
    }

    public WorkflowDefinition? Latest(string id) => _latest.GetValueOrDefault(id);

    /// <summary>The exact definition a session started with, from memory or, for an older version, from the database.</summary>
    public async Task<WorkflowDefinition> GetAsync(string id, int version, CancellationToken ct)
    {
        if (_definitions.TryGetValue((id, version), out var known))
            return known;
        await using var cmd = dataSource.CreateCommand("SELECT body FROM doctor.workflow_definitions WHERE id = $1 AND version = $2");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(version);
        var body = await cmd.ExecuteScalarAsync(ct) as string
                   ?? throw new InvalidOperationException($"workflow '{id}' version {version} is neither on disk nor in the database");
        var definition = WorkflowDefinitionLoader.Load($"database:{id}.v{version}", body, _vocabulary!);
        return _definitions.GetOrAdd((id, version), definition);
    }

    private async Task RememberAsync(string file, WorkflowDefinition definition, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "INSERT INTO doctor.workflow_definitions (id, version, body) VALUES ($1, $2, $3) " +
            "ON CONFLICT (id, version) DO UPDATE SET last_loaded_at = now() RETURNING body");
        cmd.Parameters.AddWithValue(definition.Id);
        cmd.Parameters.AddWithValue(definition.Version);
        cmd.Parameters.AddWithValue(definition.SourceJson);
        var stored = (string)(await cmd.ExecuteScalarAsync(ct))!;
        if (stored != definition.SourceJson)
            throw new WorkflowDefinitionException(file, "$.version",
                $"workflow '{definition.Id}' version {definition.Version} was loaded before with other content; sessions keep the version they started with, so raise the version when changing a definition");
    }
}
