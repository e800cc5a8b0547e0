// My approvals (README §Approvals): what waits for the person using the page, oldest first, across every workflow,
// with Approve / Reject (and the comment the policy may require), Delegate, and for admins every waiting approval
// and Reassign. The list is read again every few seconds, so a decision made in chat or on another page shows here.
(() => {
  "use strict";

  const { api, problemText, toast, element, timeElement, ready, approvalState, approvalJournal, commentRequired, pageUrl } = window.ChatFlows;
  const byTestId = id => document.querySelector(`[data-testid="${id}"]`);
  const enc = encodeURIComponent;
  const pollMs = 2000;
  const key = item => `${item.runId}/${item.nodeId}`;

  let showAll = false;
  let loading = null;

  async function load() {
    if (loading) return loading;
    loading = (async () => {
      const answer = await api("GET", `/api/approvals${showAll ? "?all=true" : ""}`);
      const error = byTestId("approvals-load-error");
      if (!answer.ok) {
        error.textContent = problemText(answer.problem, "The approvals could not be loaded.");
        error.hidden = false;
        return false;
      }
      error.hidden = true;
      byTestId("approvals-all-toggle").hidden = !answer.data.isAdmin;
      render(answer.data.items);
      return true;
    })();
    try {
      return await loading;
    } finally {
      loading = null;
    }
  }

  // Items already shown keep what was typed into them; only their state is drawn again.
  function render(items) {
    const list = byTestId("approvals-list");
    const keep = new Set(items.map(key));
    list.querySelectorAll("[data-testid=approval-item]").forEach(item => { if (!keep.has(item.dataset.key)) item.remove(); });
    let previous = null;
    for (const item of items) {
      let shown = list.querySelector(`[data-testid=approval-item][data-key="${CSS.escape(key(item))}"]`);
      if (!shown) shown = itemElement(item);
      else refresh(shown, item);
      // Oldest first, as the API lists them.
      if (previous ? previous.nextSibling !== shown : list.firstChild !== shown) {
        if (previous) previous.after(shown); else list.prepend(shown);
      }
      previous = shown;
    }
    byTestId("approvals-empty").hidden = items.length > 0;
  }

  function refresh(shown, item) {
    shown.querySelector("[data-testid=approval-state]").replaceWith(approvalState(item));
    shown.querySelector("[data-testid=approval-journal]")?.replaceWith(approvalJournal(item));
    shown.querySelector("[data-testid=approval-age]").replaceChildren(age(item.requestedAt));
    shown.querySelector("[data-testid=approval-reassign]").hidden = !showAll;
  }

  function itemElement(item) {
    const error = element("p", { class: "form-error", role: "alert", "data-testid": "approval-error", hidden: true });
    const comment = element("input", { name: "comment", "data-testid": "approval-comment", autocomplete: "off", placeholder: item.requireComment ? "required" : "optional" });
    const draft = item.draft !== null && item.draft !== undefined
      ? element("textarea", { name: "draft", "data-testid": "approval-draft" }, item.draft)
      : null;
    const delegateTo = element("input", { name: "to", "data-testid": "approval-delegate-to", autocomplete: "off", spellcheck: "false", placeholder: "slack:U012AB3CD or playground:bo" });
    const reassignTo = element("input", { name: "approvers", "data-testid": "approval-reassign-to", autocomplete: "off", spellcheck: "false", placeholder: "playground:ana, slack:U012AB3CD" });

    const show = text => {
      error.textContent = text;
      error.hidden = false;
    };
    const send = async (path, body, fallback, button) => {
      error.hidden = true;
      button.disabled = true;
      const answer = await api("POST", `/api/runs/${enc(item.runId)}/${path}`, body);
      button.disabled = false;
      if (!answer.ok) {
        show(problemText(answer.problem, fallback));
        return null;
      }
      load();
      return answer.data;
    };
    const decide = async (decision, button) => {
      const text = comment.value.trim();
      if (!text && commentRequired(item, decision)) {
        show(`comment: a comment is required to ${decision}.`);
        comment.focus();
        return;
      }
      const done = await send("decisions", { decision, nodeId: item.nodeId, comment: text || undefined, draft: draft ? draft.value : undefined }, "The decision was not taken.", button);
      if (done) toast(done.message ?? `${decision === "approve" ? "Approved" : "Rejected"}.`, "success");
    };
    const handOn = async button => {
      const to = delegateTo.value.trim();
      if (!to) {
        show("to: name who to hand this to, like playground:bo.");
        return;
      }
      const done = await send(`approvals/${enc(item.nodeId)}/delegate`, { to }, "The approval could not be handed on.", button);
      if (done) toast(done.message ?? `Handed to ${to}.`, "success");
    };
    const reassign = async button => {
      const approvers = reassignTo.value.split(/[\s,]+/).map(a => a.trim()).filter(Boolean);
      const done = await send(`approvals/${enc(item.nodeId)}/reassign`, { approvers }, "The approval could not be reassigned.", button);
      if (done) toast(done.message ?? "Reassigned.", "success");
    };

    const required = item.requireComment ? element("span", { class: "required-mark", "data-testid": "approval-comment-required" }, item.requireComment === "always" ? " (required)" : " (required to reject)") : null;
    return element("section", { class: "panel approval-item", "data-testid": "approval-item", "data-key": key(item), "data-run": item.runId, "data-node": item.nodeId },
      element("h2", { "data-testid": "approval-prompt" }, item.prompt),
      element("p", { class: "muted approval-meta" },
        element("a", { href: pageUrl(`/workflows/${enc(item.workflowId ?? "")}`), "data-testid": "approval-workflow" }, item.workflowName || item.workflowId), " · ",
        element("a", { href: pageUrl(item.runPage), "data-testid": "approval-run" }, "the run"), " · asked ",
        element("span", { "data-testid": "approval-age" }, age(item.requestedAt))),
      approvalState(item),
      draft ? element("label", { class: "field" }, element("span", {}, "Draft"), draft) : null,
      element("div", { class: "approval-fields" },
        element("label", { class: "field" }, element("span", {}, "Comment", required), comment)),
      error,
      element("div", { class: "buttons" },
        element("button", { type: "button", class: "danger", "data-testid": "approval-reject", onclick: e => decide("reject", e.currentTarget) }, "Reject"),
        element("button", { type: "button", class: "primary", "data-testid": "approval-approve", onclick: e => decide("approve", e.currentTarget) }, "Approve")),
      element("div", { class: "approval-fields" },
        element("label", { class: "field" }, element("span", {}, "Hand to"), delegateTo),
        element("button", { type: "button", "data-testid": "approval-delegate", onclick: e => handOn(e.currentTarget) }, "Delegate")),
      element("div", { class: "approval-fields", "data-testid": "approval-reassign", hidden: !showAll },
        element("label", { class: "field" }, element("span", {}, "New approvers"), reassignTo),
        element("button", { type: "button", "data-testid": "approval-reassign-submit", onclick: e => reassign(e.currentTarget) }, "Reassign")),
      element("details", {}, element("summary", {}, "Journal"), approvalJournal(item)));
  }

  // "3 min ago", with the time as its tooltip.
  function age(iso) {
    const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60_000));
    const text = minutes < 1 ? "just now" : minutes < 60 ? `${minutes} min ago` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h ago` : `${Math.round(minutes / 1440)} days ago`;
    const at = timeElement(iso);
    at.textContent = text;
    return at;
  }

  byTestId("approvals-all").addEventListener("change", event => {
    showAll = event.currentTarget.checked;
    byTestId("approvals-list").replaceChildren();
    load();
  });

  // A decision in chat, on a run page or by the clock shows here within the poll.
  const timer = setInterval(() => { if (!document.hidden) load(); }, pollMs);
  addEventListener("pagehide", () => clearInterval(timer));
  addEventListener("visibilitychange", () => { if (!document.hidden) load(); });

  load().then(ready);
})();
