namespace Doctor.AdminApi.Auth;

/// <summary>Values of <c>Doctor:Auth:Mode</c>.</summary>
public static class AuthModes
{
    public const string Tokens = "tokens";
    public const string None = "none";
}
