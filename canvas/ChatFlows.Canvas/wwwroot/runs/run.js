// One run: its facts, a timeline with a bar per node on the run's time span, what each node produced, the chat
// messages that show it, Cancel, and approvals to decide. While the run goes on, its server-sent events trigger a
// fresh read of the detail, so the page shows exactly what GET /api/runs/{id} says.
(() => {
  "use strict";

  const { api, problemText, toast, formatDuration, formatTime, timeElement, statusBadge, element, ready, approvalState, approvalJournal, commentRequired, apiUrl, pageUrl } = window.ChatFlows;
  const byTestId = id => document.querySelector(`[data-testid="${id}"]`);
  const enc = encodeURIComponent;
  const going = status => status === "queued" || status === "running" || status === "waiting";
  // approval.changed: a vote short of the quorum, a reminder, the escalation or a delegation (README §Approvals).
  const eventNames = ["run.started", "node.started", "node.finished", "node.failed", "run.waiting", "run.finished", "approval.changed"];

  const runId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() ?? "");
  const openNodes = new Set();
  let run = null;
  let events = null;
  let reloadTimer = null;
  let tickTimer = null;
  let loading = null;

  async function load() {
    // One read at a time; a burst of events becomes one more read after it.
    if (loading) return loading;
    loading = (async () => {
      const answer = await api("GET", `/api/runs/${enc(runId)}`);
      if (!answer.ok) {
        const box = byTestId("run-load-error");
        box.textContent = problemText(answer.problem, "The run could not be loaded.");
        box.hidden = false;
        return false;
      }
      run = answer.data;
      render();
      follow();
      return true;
    })();
    try {
      return await loading;
    } finally {
      loading = null;
    }
  }

  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, 100);
  }

  // Live while the run goes on: every event is a cue to read the detail again; the stream ends with the run.
  function follow() {
    if (!going(run.status)) {
      stopFollowing();
      return;
    }
    if (!events) {
      events = new EventSource(apiUrl(`/api/runs/${enc(runId)}/events`));
      for (const name of eventNames) events.addEventListener(name, reloadSoon);
      events.addEventListener("run.finished", () => stopFollowing());
      // The browser reconnects by itself; a fresh read covers whatever was missed meanwhile.
      events.addEventListener("error", reloadSoon);
    }
    // Bars of running nodes grow with the clock.
    if (run.status === "running" && !tickTimer) tickTimer = setInterval(renderTimeline, 1000);
    if (run.status !== "running" && tickTimer) {
      clearInterval(tickTimer);
      tickTimer = null;
    }
  }

  function stopFollowing() {
    events?.close();
    events = null;
    clearInterval(tickTimer);
    tickTimer = null;
  }

  function render() {
    document.title = `Run ${run.id} · ChatFlows`;
    byTestId("run-id").textContent = run.id;
    byTestId("run-status").replaceChildren(statusBadge(run.status));
    byTestId("run-open-canvas").href = pageUrl(`/workflows/${enc(run.workflowId)}?run=${enc(run.id)}`);
    byTestId("run-cancel").hidden = !going(run.status);
    byTestId("run-body").hidden = false;
    renderFacts();
    renderReplays();
    renderApprovals();
    renderTimeline();
    byTestId("run-trigger").textContent = json(run.trigger);
    byTestId("run-data").textContent = json(run.data);
    byTestId("run-result-box").hidden = run.result === null || run.result === undefined;
    byTestId("run-result").textContent = json(run.result);
    renderChat();
  }

  function renderFacts() {
    const facts = [
      ["workflow", "Workflow", element("span", {}, element("a", { href: pageUrl(`/workflows/${enc(run.workflowId)}`) }, run.workflowId), ` version ${run.workflowVersion} · `,
        element("a", { href: pageUrl(`/runs?workflow=${enc(run.workflowId)}`) }, "its runs"))],
      ["started-by", "Started by", run.startedBy ?? "—"],
      ["trigger", "Trigger", run.triggerNodeId ?? "—"],
      ["created", "Queued", time(run.createdAt)],
      ["started", "Started", time(run.startedAt)],
      ["finished", "Finished", time(run.finishedAt)],
      ["duration", "Duration", run.durationMs !== null ? formatDuration(run.durationMs) : going(run.status) && run.startedAt ? `${formatDuration(Date.now() - Date.parse(run.startedAt))} so far` : "—"],
      ["usage", "Model usage", run.usage ? usageText(run.usage) : "—"],
    ];
    if (run.thread) facts.push(["thread", "Thread", run.thread]);
    if (run.parentRunId) facts.push(["parent", "Started by run", element("a", { href: pageUrl(`/runs/${enc(run.parentRunId)}`) }, run.parentRunId), run.parentNodeId ? ` (node ${run.parentNodeId})` : ""]);
    if (run.cancelRequested && going(run.status)) facts.push(["cancel", "Cancel", "requested"]);
    byTestId("run-facts").replaceChildren(...facts.flatMap(([key, label, ...value]) => [
      element("dt", {}, label),
      element("dd", { "data-testid": `fact-${key}` }, ...value),
    ]));

    const error = byTestId("run-error");
    error.hidden = !run.error;
    error.replaceChildren(...(run.error
      ? [run.error.nodeId ? element("strong", {}, `Node ${run.error.nodeId} failed: `) : element("strong", {}, "Failed: "), run.error.message]
      : []));
  }

  // README §Replay a run: which run this one replays and from where, and the replays of this one.
  function renderReplays() {
    const of = byTestId("run-replay-of");
    of.hidden = !run.replayOf;
    of.replaceChildren(...(run.replayOf
      ? ["Replay of ", element("a", { href: pageUrl(`/runs/${enc(run.replayOf.runId)}`), "data-testid": "replay-of-link" }, shortId(run.replayOf.runId)),
        " from ", element("strong", { "data-testid": "replay-of-node" }, run.replayOf.fromNodeName ?? run.replayOf.fromNode)]
      : []));
    const replays = run.replays ?? [];
    byTestId("run-replays").hidden = replays.length === 0;
    byTestId("replay-list").replaceChildren(...replays.map(r => element("li", { "data-testid": "replay" },
      element("a", { href: pageUrl(`/runs/${enc(r.runId)}`) }, shortId(r.runId)), " from ", element("strong", {}, r.fromNodeName ?? r.fromNode), " · ",
      statusBadge(r.status), " · ", time(r.createdAt))));
  }

  // Starts a new run that reuses what the nodes before this one recorded, and opens it.
  async function replayFrom(node, button) {
    button.disabled = true;
    const answer = await api("POST", `/api/runs/${enc(run.id)}/replay`, { fromNode: node.nodeId });
    button.disabled = false;
    if (!answer.ok) {
      toast(problemText(answer.problem, "The run could not be replayed."), "error");
      return;
    }
    location.href = pageUrl(`/runs/${enc(answer.data.runId)}`);
  }

  // Decide here as the person using the page; the server checks they are an approver.
  function renderApprovals() {
    const waiting = run.nodes.filter(n => n.status === "waiting" && n.kind === "approval");
    const panel = byTestId("run-approvals");
    panel.hidden = waiting.length === 0;
    const list = byTestId("approval-list");
    const keep = new Set(waiting.map(n => n.nodeId));
    // Forms already shown keep what was typed into them.
    list.querySelectorAll("[data-testid=approval]").forEach(form => { if (!keep.has(form.dataset.id)) form.remove(); });
    for (const node of waiting) {
      const shown = list.querySelector(`[data-testid=approval][data-id="${CSS.escape(node.nodeId)}"]`) ?? list.appendChild(approvalForm(node));
      // Votes, reminders and escalation change while the node waits: only the state is drawn again.
      const state = stateOf(node);
      shown.querySelector("[data-testid=approval-state-box]").replaceChildren(...(state ? [approvalState(state)] : []));
      const comment = shown.querySelector("[data-testid=approval-comment]");
      comment.placeholder = state?.requireComment === "always" ? "required" : state?.requireComment === "reject" ? "required to reject" : "optional";
    }
  }

  const stateOf = node => (run.approvals ?? []).find(a => a.nodeId === node.nodeId) ?? null;

  function approvalForm(node) {
    // Who decides is the signed-in person (or this machine's local user), never a name typed here.
    const panel = byTestId("run-approvals");
    const decider = panel.dataset.decider || panel.dataset.deciderId || "you";
    const comment = element("input", { name: "comment", "data-testid": "approval-comment", placeholder: "optional", autocomplete: "off" });
    const error = element("p", { class: "form-error", "data-testid": "approval-error", hidden: true });
    const decide = async decision => {
      error.hidden = true;
      const state = stateOf(node);
      if (state && !comment.value.trim() && commentRequired(state, decision)) {
        error.textContent = `comment: a comment is required to ${decision}.`;
        error.hidden = false;
        return;
      }
      const answer = await api("POST", `/api/runs/${enc(run.id)}/decisions`, { decision, nodeId: node.nodeId, comment: comment.value.trim() || undefined });
      if (!answer.ok) {
        error.textContent = problemText(answer.problem, "The decision was not taken.");
        error.hidden = false;
        return;
      }
      toast(answer.data.message ?? `${decision === "approve" ? "Approved" : "Rejected"}.`, "success");
      reloadSoon();
    };
    return element("form", { class: "approval", "data-testid": "approval", "data-id": node.nodeId, onsubmit: event => { event.preventDefault(); decide("approve"); } },
      element("p", {}, "Node ", element("code", {}, node.nodeId), " waits for a decision", node.wakeAt ? ` (it expires ${formatTime(node.wakeAt)})` : "", "."),
      element("div", { "data-testid": "approval-state-box" }),
      element("p", { class: "muted" }, "You decide as ", element("strong", { "data-testid": "approval-as", title: panel.dataset.deciderId || "" }, decider), "."),
      element("div", { class: "approval-fields" },
        element("label", { class: "field" }, element("span", {}, "Comment"), comment)),
      error,
      element("div", { class: "buttons" },
        element("button", { type: "button", class: "danger", "data-testid": "approval-reject", onclick: () => decide("reject") }, "Reject"),
        element("button", { type: "submit", class: "primary", "data-testid": "approval-approve" }, "Approve")));
  }

  // One bar per node, placed on the run's span: offset from the run's start, length its duration.
  function renderTimeline() {
    if (!run) return;
    const now = Date.now();
    const origin = Date.parse(run.startedAt ?? run.createdAt);
    const ends = run.nodes.map(n => n.finishedAt ? Date.parse(n.finishedAt) : n.startedAt && going(n.status) ? now : 0);
    const end = run.finishedAt ? Date.parse(run.finishedAt) : going(run.status) ? now : Math.max(origin, ...ends);
    const span = Math.max(end - origin, 1);
    byTestId("timeline-span").textContent = `${formatDuration(end - origin)} from ${formatTime(run.startedAt ?? run.createdAt)}`;
    const timeline = byTestId("timeline");
    const focused = document.activeElement?.closest("[data-testid=timeline-node]")?.dataset.id;
    timeline.replaceChildren(...run.nodes.map(node => timelineRow(node, origin, span, now)));
    if (focused) timeline.querySelector(`[data-testid=timeline-node][data-id="${CSS.escape(focused)}"] > summary`)?.focus();
  }

  function timelineRow(node, origin, span, now) {
    const start = node.startedAt ? Date.parse(node.startedAt) : null;
    const stop = node.finishedAt ? Date.parse(node.finishedAt) : start !== null && (node.status === "running" || node.status === "waiting") ? now : start;
    const bar = start === null
      ? element("span", { class: "tl-none muted" }, node.status === "skipped" ? "skipped" : "not reached")
      : element("span", {
        class: `tl-bar status-${node.status}`,
        "data-testid": "timeline-bar",
        style: `left: ${percent(start - origin, span)}%; width: ${Math.max(percent(stop - start, span), 0.6)}%`,
        title: `${node.name ?? node.nodeId}: +${formatDuration(start - origin)}, ${formatDuration(stop - start)}`,
      });
    const meta = [];
    if (node.durationMs !== null) meta.push(formatDuration(node.durationMs));
    else if (start !== null && going(node.status)) meta.push(`${formatDuration(now - start)} so far`);
    if (node.attempts > 1) meta.push(`${node.attempts} attempts`);
    if (node.usage) meta.push(usageText(node.usage));

    const details = element("details", { class: "tl-node", "data-testid": "timeline-node", "data-id": node.nodeId, "data-status": node.status, open: openNodes.has(node.nodeId) },
      element("summary", { class: "tl-row" },
        element("span", { class: "tl-name" }, element("span", { class: "tl-id", "data-testid": "timeline-name", title: node.nodeId }, node.name ?? node.nodeId), element("span", { class: "tl-kind muted" }, node.kind ?? "")),
        element("span", { class: "tl-track" }, bar),
        element("span", { class: "tl-meta" }, statusBadge(node.status), element("span", { "data-testid": "timeline-meta" }, meta.join(" · ")),
          node.reusedFrom ? element("span", { class: "muted", "data-testid": "timeline-reused" }, "reused from ",
            element("a", { href: pageUrl(`/runs/${enc(node.reusedFrom)}`), onclick: event => event.stopPropagation() }, shortId(node.reusedFrom))) : null)),
      nodeDetails(node, origin));
    details.addEventListener("toggle", () => { if (details.open) openNodes.add(node.nodeId); else openNodes.delete(node.nodeId); });
    return details;
  }

  function nodeDetails(node, origin) {
    const facts = [];
    if (node.name) facts.push(["Node id", element("code", { "data-testid": "node-id" }, node.nodeId)]);
    if (node.startedAt) facts.push(["Started", element("span", {}, time(node.startedAt), ` (+${formatDuration(Date.parse(node.startedAt) - origin)} into the run)`)]);
    if (node.finishedAt) facts.push(["Finished", time(node.finishedAt)]);
    if (node.attempts) facts.push(["Attempts", String(node.attempts)]);
    if (node.port) facts.push(["Port", node.port]);
    if (node.wakeAt) facts.push(["Wakes", time(node.wakeAt)]);
    if (node.usage) facts.push(["Model usage", usageText(node.usage)]);
    // A finished run can be replayed from any node it reached (README §Replay a run).
    const replay = !going(run.status) && node.attempts > 0
      ? element("button", { type: "button", class: "small", "data-testid": "replay-from-here", onclick: event => replayFrom(node, event.currentTarget) }, "Replay from here")
      : null;
    const approval = node.status === "waiting" ? stateOf(node) : null;
    return element("div", { class: "tl-details", "data-testid": "node-details" },
      replay,
      approval ? element("div", {}, element("h3", {}, "Approval"), approvalState(approval), approval.journal.length ? approvalJournal(approval) : null) : null,
      facts.length ? element("dl", { class: "facts compact" }, facts.flatMap(([k, v]) => [element("dt", {}, k), element("dd", {}, v)])) : null,
      node.error ? element("div", { class: "form-error", "data-testid": "node-error" }, node.error) : null,
      node.steps?.length ? element("div", { class: "steps" }, element("h3", {}, "Steps"),
        element("ol", { "data-testid": "node-steps" }, node.steps.map(step => element("li", { "data-testid": "node-step" },
          element("code", {}, step.name), ` · ${formatDuration(step.durationMs)}`,
          // A workflow called as a tool ran as a child run (README §Workflows as tools).
          step.runId ? [" · ", element("a", { href: pageUrl(`/runs/${enc(step.runId)}`), "data-testid": "node-step-run" }, `run ${step.runId}`)] : null,
          step.arguments !== undefined && step.arguments !== null ? element("pre", {}, json(step.arguments)) : null,
          step.error ? element("div", { class: "form-error" }, step.error) : element("pre", {}, json(step.result)))))) : null,
      node.output !== null && node.output !== undefined
        ? element("div", {}, element("h3", {}, "Output"), truncationNote(node.output), element("pre", { "data-testid": "node-output" }, json(node.output)))
        : node.error || node.steps?.length ? null : element("p", { class: "muted" }, "No output."));
  }

  function renderChat() {
    const rows = (run.chat ?? []).map(card => element("tr", { "data-testid": "chat-row" },
      element("td", {}, card.kind),
      element("td", {}, card.nodeId ?? element("span", { class: "muted" }, "—")),
      element("td", {}, element("code", {}, card.target)),
      element("td", {}, card.messageId
        ? element("code", {}, card.messageId)
        : element("span", { class: "muted" }, card.error ? "not posted" : "waiting to be posted")),
      element("td", { class: card.error ? "bad" : "" }, card.error ?? "")));
    byTestId("run-chat").tBodies[0].replaceChildren(...rows);
    byTestId("run-chat").hidden = rows.length === 0;
    byTestId("run-chat-empty").hidden = rows.length > 0;
  }

  function usageText(usage) {
    const tokens = `${(usage.promptTokens + usage.completionTokens).toLocaleString()} tokens (${usage.promptTokens.toLocaleString()} in, ${usage.completionTokens.toLocaleString()} out)`;
    return usage.cost !== null && usage.cost !== undefined ? `${tokens}, cost ${Number(usage.cost).toFixed(4)}` : tokens;
  }

  const shortId = id => id.length > 12 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
  const percent = (part, whole) => Math.min(Math.max((part / whole) * 100, 0), 100);
  const time = iso => iso ? timeElement(iso) : "—";
  const json = value => value === undefined ? "" : JSON.stringify(value, null, 2);

  byTestId("run-cancel").addEventListener("click", async () => {
    const button = byTestId("run-cancel");
    button.disabled = true;
    const answer = await api("POST", `/api/runs/${enc(runId)}/cancel`);
    button.disabled = false;
    if (!answer.ok) toast(problemText(answer.problem, "The run could not be cancelled."), "error");
    else toast("Cancel requested; the run stops in a moment.", "info");
    // A waiting run is cancelled by whichever worker claims it next: keep reading until it has ended.
    const until = Date.now() + 15_000;
    while (await load() && going(run.status) && Date.now() < until) await new Promise(r => setTimeout(r, 300));
  });

  addEventListener("pagehide", stopFollowing);

  // An output over ChatFlows:Runs:MaxOutputBytes is stored as a marker with a preview (README §Bounded outputs).
  function truncationNote(output) {
    if (!output || typeof output !== "object" || output.truncated !== true || typeof output.bytes !== "number") return null;
    return element("p", { class: "form-error", "data-testid": "node-output-truncated" },
      `This output was ${output.bytes.toLocaleString()} bytes, more than the ${Number(output.maxBytes).toLocaleString()} a run keeps (ChatFlows:Runs:MaxOutputBytes); only its start is shown. Add select to the node to keep only the fields you need.`);
  }

  load().then(ready);
})();
