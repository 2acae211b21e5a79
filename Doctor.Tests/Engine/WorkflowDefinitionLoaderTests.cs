using Doctor.Workflows.Engine;

namespace Doctor.Tests.Engine;

public class WorkflowDefinitionLoaderTests
{
    private static readonly WorkflowVocabulary Vocabulary = new(
        new HashSet<string> { "chooseHostToEmpty", "chooseNextHost", "moveInstancesAsAnswered", "maintainEmptyHosts" },
        new HashSet<string> { "emptyHostExists", "allHostsMaintained" },
        new HashSet<string> { "sessionProjects", "projectsOnChosenHost" });

    private static string DefaultJson => File.ReadAllText(Path.Combine(WorkflowsDirectory.Resolve(null), "default.json"));

    [Fact]
    public void GivenShippedDefaultWorkflow_WhenLoaded_ThenItFollowsTheFenixFlow()
    {
        var definition = WorkflowDefinitionLoader.Load("workflows/default.json", DefaultJson, Vocabulary);
        Assert.Equal("MAINTENANCE", definition.Initial);
        Assert.Equal(
            ["MAINTENANCE", "SCALE_IN", "PREPARE_MAINTENANCE", "START_MAINTENANCE", "PLANNED_MAINTENANCE", "MAINTENANCE_COMPLETE", "MAINTENANCE_DONE", "MAINTENANCE_FAILED"],
            definition.States.Keys);
        Assert.Equal("START_MAINTENANCE", definition.State("MAINTENANCE").Next[0].Goto);
        Assert.Equal("emptyHostExists", definition.State("MAINTENANCE").Next[0].If);
    }

    [Theory]
    [InlineData("\"run\": \"maintainEmptyHosts\"", "\"run\": \"rebootTheWorld\"", "$.states.START_MAINTENANCE.run", "unknown activity 'rebootTheWorld'")]
    [InlineData("{ \"if\": \"allHostsMaintained\",", "{ \"if\": \"moonIsFull\",", "$.states.START_MAINTENANCE.next[0].if", "unknown guard 'moonIsFull'")]
    [InlineData("\"next\": [ { \"goto\": \"START_MAINTENANCE\" } ]", "\"next\": [ { \"goto\": \"NOWHERE\" } ]", "$.states.PLANNED_MAINTENANCE.next[0].goto", "unknown state 'NOWHERE'")]
    [InlineData("\"MAINTENANCE_DONE\": { \"final\": \"succeeded\" }", "\"MAINTENANCE_DONE\": { \"final\": \"failed\" }", "$.states", "no terminal state")]
    [InlineData("\"scaleInReply\": \"PT60S\"", "\"scaleInReply\": \"sixty seconds\"", "$.windows.scaleInReply", "ISO 8601 duration")]
    [InlineData("\"audience\": \"projectsOnChosenHost\", \"allowedActions\": [\"MIGRATE\", \"LIVE_MIGRATE\", \"OWN_ACTION\"], \"window\": \"$prepareReply\"",
        "\"audience\": \"everyone\", \"allowedActions\": [\"MIGRATE\", \"LIVE_MIGRATE\", \"OWN_ACTION\"], \"window\": \"$prepareReply\"",
        "$.states.PREPARE_MAINTENANCE.notify.audience", "unknown audience 'everyone'")]
    public void GivenABrokenDefinition_WhenLoaded_ThenTheErrorNamesFileAndPath(string find, string replace, string path, string problem)
    {
        Assert.Contains(find, DefaultJson);
        var broken = DefaultJson.Replace(find, replace);
        var e = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Load("workflows/broken.json", broken, Vocabulary));
        Assert.StartsWith($"workflows/broken.json: {path}: ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void GivenAStateNothingLeadsTo_WhenLoaded_ThenItIsReportedUnreachable()
    {
        var json = DefaultJson.Replace("\"MAINTENANCE_DONE\": { \"final\": \"succeeded\" },",
            "\"MAINTENANCE_DONE\": { \"final\": \"succeeded\" }, \"ORPHAN\": { \"final\": \"failed\" },");
        var e = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Load("w.json", json, Vocabulary));
        Assert.Equal("w.json: $.states.ORPHAN: unreachable from the initial state 'MAINTENANCE'", e.Message);
    }

    [Fact]
    public void GivenMalformedJson_WhenLoaded_ThenTheErrorNamesTheFile()
    {
        var e = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionLoader.Load("w.json", "{ \"id\": ", Vocabulary));
        Assert.StartsWith("w.json: line ", e.Message);
    }
}
