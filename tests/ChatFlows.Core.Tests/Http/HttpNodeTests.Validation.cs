using ChatFlows.Core.Tests.Running;

namespace ChatFlows.Core.Tests.Http;

/// <summary>Config problems, reported with their paths.</summary>
public sealed partial class HttpNodeTests
{
    [Fact]
    public void Validate_BadHttpConfig_ListsEveryProblemWithItsPath()
    {
        var document = Workflows.Build(
            [
                HttpNode("fetch", """
                    "method": "FETCH", "url": "ftp://example.com/x",
                    "headers": {"Host": "a", "Bad Name": "b", "X-Count": 5, "X-Ok": "{{ trigger.x"},
                    "query": "a=b", "fullResponse": "yes", "requestTimeout": "soon", "retries": 11
                    """),
                HttpNode("get", """ "url": "https://example.com/{{ trigger.id }}", "body": {"a": 1} """),
                HttpNode("nourl", """ "method": "DELETE" """),
            ],
            ["start->fetch", "start->get", "start->nourl"]);

        var problems = Engine().Validate(document).Select(p => p.Path).ToArray();

        Assert.Equal(
            [
                "nodes/fetch/config/method", "nodes/fetch/config/url", "nodes/fetch/config/headers/X-Count", "nodes/fetch/config/headers/X-Ok",
                "nodes/fetch/config/headers/Host", "nodes/fetch/config/headers/Bad Name", "nodes/fetch/config/query",
                "nodes/fetch/config/fullResponse", "nodes/fetch/config/requestTimeout", "nodes/fetch/config/retries",
                "nodes/get/config/body", "nodes/nourl/config/url",
            ],
            problems);
    }

    [Fact]
    public void Validate_BadHttpConfig_ExplainsEachProblem()
    {
        var document = Workflows.Build(
            [HttpNode("fetch", """ "method": "FETCH", "url": "example.com/x", "headers": {"Content-Length": "1"}, "retries": -1 """)],
            ["start->fetch"]);

        var problems = Engine().Validate(document).ToDictionary(p => p.Path, p => p.Message);

        Assert.Equal("'FETCH' is not a method the HTTP tool sends; use GET, POST, PUT, PATCH, DELETE or HEAD.", problems["nodes/fetch/config/method"]);
        Assert.Equal("'example.com/x' is not an absolute http:// or https:// URL.", problems["nodes/fetch/config/url"]);
        Assert.Equal("Content-Length is set by the HTTP tool and cannot be given.", problems["nodes/fetch/config/headers/Content-Length"]);
        Assert.Equal("retries must be a whole number from 0 to 10.", problems["nodes/fetch/config/retries"]);
    }
}
