namespace Doctor.AdminApi.Auth;

/// <summary>Named authorization policies. Without one, an endpoint needs any valid token (the fallback policy).</summary>
public static class DoctorPolicies
{
    /// <summary>An admin token: put on route groups that only the infrastructure admin may use.</summary>
    public const string Admin = "admin";
}
