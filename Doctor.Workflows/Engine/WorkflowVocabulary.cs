namespace Doctor.Workflows.Engine;

/// <summary>The names a definition may use: registered activities, guards and audiences. Anything else fails the load.</summary>
public sealed record WorkflowVocabulary(IReadOnlySet<string> Activities, IReadOnlySet<string> Guards, IReadOnlySet<string> Audiences);
