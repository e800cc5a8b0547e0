using ChatFlows.Canvas.Api;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Pages;

/// <summary>The members of the workspace and their roles (<c>/members</c>, admins only).</summary>
internal static class MembersPage
{
    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        return new PageView(
            Title: "Members",
            Section: "members",
            Head: "",
            Body: $$$"""
            <h1>Members of <span data-testid="members-workspace">{{{PageView.Encode(WorkspaceRoute.Of(http))}}}</span></h1>

            <section class="panel" aria-labelledby="members-title" data-testid="members-panel" data-api="/api/members">
              <div class="panel-head">
                <h2 id="members-title">Who may do what</h2>
              </div>
              <p class="hint">Viewers see everything; runners also start runs, cancel their own and decide approvals that list them; editors also change workflows, agents, knowledge and widgets; admins also manage members, connections and secrets.</p>
              <table class="list" data-testid="members-list">
                <thead>
                  <tr><th>Who</th><th>Role</th><th>Granted by</th><th>When</th><th><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody></tbody>
              </table>
              <form class="inline-form" data-testid="member-add" novalidate>
                <label class="field wide" data-field="principal">
                  <span>Who</span>
                  <input name="principal" data-testid="member-principal" autocomplete="off" spellcheck="false" placeholder="email:ana@corp.example, group:finance, slack:U012AB3CD, signed-in:*">
                </label>
                <label class="field" data-field="role">
                  <span>Role</span>
                  <select name="role" data-testid="member-role">
                    <option value="viewer">viewer</option>
                    <option value="runner">runner</option>
                    <option value="editor">editor</option>
                    <option value="admin">admin</option>
                  </select>
                </label>
                <button type="submit" class="primary" data-testid="member-add-submit">Grant</button>
                <p class="form-error" role="alert" data-testid="member-error" hidden></p>
              </form>
            </section>
            """,
            Scripts: $$$"""
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/members/members.js")}}}"></script>
            """);
    }
}
