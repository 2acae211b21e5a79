using Doctor.Workflows.Notifications.Alarms.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// <c>GET /v2/alarms/{id}/history</c>'s query: Aodh's <c>q.*</c> conditions on the fields its history lets clients
/// filter by (<c>user_id</c>, <c>project_id</c>, <c>type</c>, <c>severity</c>, <c>timestamp</c>, and
/// <c>search_offset</c> minutes that widen the timestamp bounds), ANDed, with any of <c>eq ne lt le gt ge</c>, and its
/// paging. A project sees the entries made on its behalf only, as in Aodh.
/// </summary>
public sealed record HistoryListQuery(AlarmFilter Filter, Paging Paging)
{
    // Aodh's valid keys, as its message lists them, and the fields they name.
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["user_id"] = "user_id", ["user"] = "user_id", ["project_id"] = "project_id", ["project"] = "project_id",
        ["type"] = "type", ["severity"] = "severity", ["timestamp"] = "timestamp", ["search_offset"] = "search_offset",
    };

    private static readonly string[] ValidKeys = ["project", "search_offset", "severity", "timestamp", "type", "user"];

    public static HistoryListQuery? TryRead(IQueryCollection query, AlarmCaller caller, out ProblemHttpResult? problem)
    {
        problem = null;
        if (QueryCondition.TryRead(query, out var countProblem) is not { } conditions)
        {
            problem = AodhProblems.BadRequest(countProblem!);
            return null;
        }
        if (conditions.FirstOrDefault(c => !Keys.ContainsKey(c.Field)) is { } unknown)
        {
            var key = unknown.Field switch { "user_id" => "user", "project_id" => "project", var f => f };
            problem = AodhProblems.BadRequest($"Unknown argument: \"{key}\": unrecognized field in query: [{string.Join(", ", conditions)}], valid keys: {PythonText.List(ValidKeys)}");
            return null;
        }
        // Aodh's _verify_query_segregation: a project names no other project, even as the author of a change.
        if (!caller.IsAdmin && conditions.FirstOrDefault(c => Keys[c.Field] == "project_id" && c.Value != caller.ProjectId) is { } other)
        {
            problem = AodhProblems.ProjectNotAuthorized(other.Value);
            return null;
        }
        var offset = TimeSpan.Zero;
        if (conditions.FirstOrDefault(c => c.Field == "search_offset") is { } searchOffset)
        {
            if (searchOffset.Op != "eq")
            {
                problem = AodhProblems.BadRequest($"Invalid input for field/attribute op. Value: '{searchOffset.Op}'. unimplemented operator for search_offset");
                return null;
            }
            if (!conditions.Any(c => c.Field == "timestamp"))
            {
                problem = AodhProblems.BadRequest("Invalid input for field/attribute field. Value: 'search_offset'. search_offset cannot be used without timestamp");
                return null;
            }
            if (QueryValues.TryTyped(searchOffset.Value, "integer", out var offsetProblem) is not long minutes)
            {
                problem = AodhProblems.BadRequest(offsetProblem!);
                return null;
            }
            offset = TimeSpan.FromMinutes(minutes);
        }
        var fields = HistoryQueryFields.All;
        var terms = new List<AlarmFilter>();
        foreach (var c in conditions.Where(c => c.Field != "search_offset"))
        {
            if (!QueryValues.TryOperator(c.Op, out var op))
            {
                problem = AodhProblems.BadRequest(QueryValues.UnknownOperator(c.Op));
                return null;
            }
            var field = Keys[c.Field];
            FilterValue? value;
            if (field == "timestamp")
            {
                value = Workflows.Notifications.Alarms.EventTimes.TryParse(c.Value, out var time) ? FilterValue.OfTime(Widen(time, op, offset)) : null;
                if (value is null)
                {
                    problem = AodhProblems.BadRequest($"Invalid input for field/attribute timestamp. Value: '{c.Value}'. invalid timestamp format");
                    return null;
                }
            }
            else if ((value = QueryValues.TryConvert(c, fields[field].Kind, out var valueProblem)) is null)
            {
                problem = AodhProblems.BadRequest(valueProblem!);
                return null;
            }
            terms.Add(FieldCondition.Create(field, op, [value.Value]));
        }
        if (!caller.IsAdmin)
            terms.Add(FieldCondition.Create("on_behalf_of", FilterOperator.Eq, [FilterValue.OfText(caller.ProjectId!)]));
        if (Paging.TryRead(query, HistoryQueryFields.SortKeys, out var pagingProblem) is not { } paging)
        {
            problem = AodhProblems.BadRequest(pagingProblem!);
            return null;
        }
        return new HistoryListQuery(new AllOf(terms), paging);
    }

    // Aodh's search_offset: a lower bound moves earlier and an upper bound later by the offset.
    private static DateTimeOffset Widen(DateTimeOffset time, FilterOperator op, TimeSpan offset) => op switch
    {
        FilterOperator.Gt or FilterOperator.Ge => time - offset,
        FilterOperator.Lt or FilterOperator.Le => time + offset,
        _ => time,
    };
}
