using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Github;
using ChatFlows.Core.Http;
using ChatFlows.Core.Knowledge;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;
using ChatFlows.Core.Sql;
using ChatFlows.Core.Widgets;

namespace ChatFlows.Core.Nodes;

/// <summary>Settings of the built-in nodes, and the services the ones that reach outside the run use.</summary>
public sealed class BuiltInNodeOptions
{
    /// <summary>
    /// Delays up to this long are awaited in place; longer ones suspend the run on a timed bookmark so that it
    /// holds no thread or memory while it waits.
    /// </summary>
    public TimeSpan InlineDelayLimit { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Bounds of every template and condition (<c>ChatFlows:Sandbox</c>).</summary>
    public SandboxOptions Sandbox { get; set; } = SandboxOptions.Default;

    /// <summary>The agents <c>agent</c> nodes refer to; without it, agent nodes fail with a message saying so.</summary>
    public IAgentStore? Agents { get; set; }

    /// <summary>Where <c>output/message</c> posts; without it, messages addressed to a chat fail with a message saying so.</summary>
    public ChatChannels? Chat { get; set; }

    /// <summary>Starts the runs of <c>tool/subworkflow</c> nodes; without it, those nodes fail with a message saying so.</summary>
    public ISubworkflowLauncher? Subworkflows { get; set; }

    /// <summary>How many sub-workflow runs may nest inside one another before the next one fails (stops recursion).</summary>
    public int MaxSubworkflowDepth { get; set; } = 8;

    /// <summary>Settings of <c>tool/http</c> (<c>ChatFlows:Http</c>): allowed hosts, timeout, size cap, retries, redirects.</summary>
    public HttpToolOptions Http { get; set; } = new();

    /// <summary>
    /// Runs agents on their model profiles with the tools they are allowed; without it, agent nodes fail with a
    /// message saying which configuration keys to set. Other nodes never need it.
    /// </summary>
    public AgentRunner? AgentRunner { get; set; }

    /// <summary>
    /// The connections that nodes reaching mail servers, databases and GitHub name (README §Connections); without it,
    /// those nodes fail with a message saying so.
    /// </summary>
    public ConnectionRegistry? Connections { get; set; }

    /// <summary>Runs the statements of <c>tool/sql</c> nodes; the host shares one with the agent tool <c>sql_query</c>.</summary>
    public SqlDatabases Databases { get; set; } = new();

    /// <summary>Talks to GitHub for <c>tool/github</c>; shared with the <c>github_*</c> agent tools so both reuse its clients.</summary>
    public GithubApi Github { get; set; } = new();

    /// <summary>The knowledge bases <c>tool/search</c> searches; without it, those nodes fail with a message saying so.</summary>
    public KnowledgeBases? Knowledge { get; set; }

    /// <summary>Where <c>output/widget</c> sets dashboard widgets; without it, those nodes fail with a message saying so.</summary>
    public IWidgetStore? Widgets { get; set; }

    /// <summary>The e-mail lists approvers may name (<c>ChatFlows:Approvals:EmailLists</c>); null where they are not known (only the entry's form is checked).</summary>
    public IReadOnlyDictionary<string, List<string>>? ApprovalEmailLists { get; set; }

    /// <summary>
    /// The workspaces whose tool permissions running nodes obey (README §Workspaces and roles): a node kind, connection
    /// or HTTP host the run's workspace does not allow fails the node; null where there are none (the CLI).
    /// </summary>
    public ChatFlows.Core.Workspaces.IWorkspaceStore? Workspaces { get; set; }
}
