namespace Doctor.Workflows.Faults;

/// <summary>The failure policy file is wrong; the message names the file and the JSON path.</summary>
public sealed class FailurePolicyException(string file, string path, string problem)
    : Exception($"{Path.GetFileName(file)}: {path}: {problem}")
{
    public string File { get; } = file;
    public string JsonPath { get; } = path;
}
