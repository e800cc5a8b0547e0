// How a waiting approval stands (README §Approvals), drawn the same on the run page and on My approvals: "1 of 2
// approvals", who approved or rejected, who is still needed, delegations, the next reminder, the escalation and the
// deadline, and the approval's journal. Reads the view GET /api/approvals and GET /api/runs/{id} give.
(() => {
  "use strict";

  const { element, timeElement } = window.ChatFlows;

  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  /** "1 of 2 approvals" (or "Waiting for 1 approval"). */
  function tally(state) {
    return state.required > 1 ? `${state.approvals} of ${state.required} approvals` : state.approvals > 0 ? "Approved" : "Waiting for 1 approval";
  }

  /** The state as a list of facts; every value has a test id of its own. */
  function approvalState(state) {
    const facts = [
      ["tally", "Approvals", tally(state)],
    ];
    const approved = state.votes.filter(v => v.approved);
    const rejected = state.votes.filter(v => !v.approved);
    if (approved.length) facts.push(["approved-by", "Approved by", approved.map(vote).join(", ")]);
    if (rejected.length) facts.push(["rejected-by", "Rejected by", rejected.map(vote).join(", ")]);
    if (state.stillNeeded > 0 && state.undecided.length) {
      facts.push(["still-needed", "Still needed", `${count(state.stillNeeded, "more approval", "more approvals")} from ${state.undecided.join(", ")}`]);
    }
    if (state.delegations.length) {
      facts.push(["delegations", "Handed on", state.delegations.map(d => d.by === d.from ? `${d.from} → ${d.to}` : `${d.from} → ${d.to} (by ${d.by})`).join(", ")]);
    }
    if (state.reminders > 0) facts.push(["reminders", "Reminders sent", String(state.reminders)]);
    if (state.nextReminderAt) facts.push(["next-reminder", "Next reminder", timeElement(state.nextReminderAt)]);
    if (state.escalated) facts.push(["escalation", "Escalated", "yes"]);
    else if (state.escalatesAt) facts.push(["escalation", "Escalates", timeElement(state.escalatesAt)]);
    facts.push(["deadline", "Deadline", state.deadline ? element("span", {}, timeElement(state.deadline), state.onTimeout && state.onTimeout !== "expire" ? ` (then ${state.onTimeout === "approve" ? "approved" : "rejected"})` : "") : "none"]);
    return element("dl", { class: "facts compact approval-state", "data-testid": "approval-state" },
      facts.flatMap(([key, label, value]) => [element("dt", {}, label), element("dd", { "data-testid": `approval-${key}` }, value)]));
  }

  function vote(v) {
    return v.comment ? `${v.by} (“${v.comment}”)` : v.by;
  }

  /** The journal: votes, reminders, the escalation, delegations and reassignments, oldest first. */
  function approvalJournal(state) {
    return element("ol", { class: "approval-journal", "data-testid": "approval-journal" },
      state.journal.map(entry => element("li", { "data-testid": "approval-journal-entry", "data-kind": entry.kind },
        timeElement(entry.at), " ", describe(entry))));
  }

  function describe(entry) {
    const data = entry.data ?? {};
    switch (entry.kind) {
      case "vote": return `${entry.actor} ${data.decision === "rejected" ? "rejected" : "approved"}${data.comment ? `: “${data.comment}”` : ""}`;
      case "reminder": return "Reminder sent to who is still needed";
      case "escalation": return `Escalated${Array.isArray(data.to) ? ` to ${data.to.join(", ")}` : ""}`;
      case "delegation": return `${data.from ?? entry.actor} handed it to ${data.to}${data.from && data.from !== entry.actor ? ` (by ${entry.actor})` : ""}`;
      case "reassignment": return `${entry.actor} reassigned it${Array.isArray(data.approvers) ? ` to ${data.approvers.join(", ")}` : ""}`;
      default: return `${entry.kind} by ${entry.actor}`;
    }
  }

  /** True when the policy wants a comment for this decision. */
  function commentRequired(state, decision) {
    return state.requireComment === "always" || (state.requireComment === "reject" && decision === "reject");
  }

  Object.assign(window.ChatFlows, { approvalState, approvalJournal, approvalTally: tally, commentRequired });
})();
