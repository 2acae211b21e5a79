namespace Doctor.Workflows.Maintenance;

/// <summary>The base URL clients reach this service on: put into reply_url and instance_ids links.</summary>
public sealed class PublicBaseUrl(string value)
{
    public string Value { get; set; } = value.TrimEnd('/');
}
