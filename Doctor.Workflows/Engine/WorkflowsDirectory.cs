namespace Doctor.Workflows.Engine;

/// <summary>Finds the <c>workflows/</c> folder: the configured path, else beside the app (it is copied there), else up from the working directory.</summary>
public static class WorkflowsDirectory
{
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return Path.GetFullPath(configured);
        var beside = Path.Combine(AppContext.BaseDirectory, "workflows");
        if (Directory.Exists(beside))
            return beside;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows");
            if (File.Exists(Path.Combine(candidate, "default.json")))
                return candidate;
        }
        return beside;
    }
}
