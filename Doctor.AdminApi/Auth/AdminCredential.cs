using Doctor.AdminApi.Hosting;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Auth;

/// <summary>
/// The admin token: <c>Doctor:Auth:AdminToken</c>, or — with the embedded database and none configured — the one in
/// <c>.doctor/admin-token</c> beside the cluster's data directory, generated (mode 0600) and logged once on first start.
/// Only its hash is kept in memory.
/// </summary>
public sealed class AdminCredential
{
    public const int MinimumLength = 16;
    public const string FileName = "admin-token";

    private readonly byte[]? _hash;

    public AdminCredential(IOptions<AuthOptions> auth, IOptions<DoctorOptions> doctor, ILogger<AdminCredential> logger)
    {
        if (auth.Value.Mode == AuthModes.None)
        {
            logger.LogWarning("Doctor:Auth:Mode is none: every caller is the admin. Never run like this where others can reach the service.");
            return;
        }
        if (auth.Value.AdminToken is { Length: > 0 } configured)
        {
            _hash = TokenHash.Of(configured);
            return;
        }
        if (!string.IsNullOrWhiteSpace(doctor.Value.Postgres))
            return; // AuthOptionsValidator refuses to start like this.
        FilePath = PathBeside(doctor.Value.Embedded.DataDirectory);
        _hash = TokenHash.Of(ReadOrCreate(FilePath, logger));
    }

    /// <summary>The file the admin token was read from or written to; null when it came from configuration.</summary>
    public string? FilePath { get; }

    public bool Matches(string token) => _hash is not null && TokenHash.Equal(_hash, TokenHash.Of(token));

    /// <summary><c>.doctor/pgdata</c> → <c>.doctor/admin-token</c>.</summary>
    public static string PathBeside(string dataDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory.TrimEnd('/', '\\'))) ?? ".", FileName);

    private static string ReadOrCreate(string path, ILogger logger)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= MinimumLength } existing)
        {
            logger.LogInformation("Admin token: read from {Path}", path);
            return existing;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var token = TokenHash.NewToken();
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(path, options))
            file.WriteLine(token);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // an older file may have had wider rights
        // The one time a secret is logged: the operator needs it, and it is also in the file for later.
        logger.LogWarning("Admin token generated and saved in {Path} (mode 0600); it is shown only this once: {AdminToken}", path, token);
        return token;
    }
}
