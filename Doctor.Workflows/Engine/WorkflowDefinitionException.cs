namespace Doctor.Workflows.Engine;

/// <summary>A workflow file that cannot be used; the message names the file and the JSON path at fault.</summary>
public sealed class WorkflowDefinitionException(string file, string path, string problem)
    : Exception($"{file}: {path}: {problem}")
{
    public string File { get; } = file;
    public string JsonPath { get; } = path;
}
