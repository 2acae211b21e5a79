namespace Doctor.Domain;

/// <summary>Why a command was refused.</summary>
public enum RuleKind
{
    /// <summary>The command itself is malformed or names something impossible.</summary>
    Invalid,
    /// <summary>The thing addressed does not exist (or the caller may not know it does).</summary>
    NotFound,
    /// <summary>The command is well-formed but does not fit the current state.</summary>
    Conflict,
    /// <summary>The caller may not do this.</summary>
    Forbidden,
}
