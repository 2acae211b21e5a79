namespace Doctor.Workflows.Engine;

/// <summary>A transition: taken when <see cref="If"/> (a registered guard) holds, or always when it is null.</summary>
public sealed record Branch(string? If, string Goto);
