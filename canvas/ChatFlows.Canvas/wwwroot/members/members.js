// The Members page: who has which role in this workspace, with a role picker per member, removal, and a form to
// grant a role (README §Workspaces and roles). The server refuses removing or lowering the last admin. /api/… is
// called in the page's workspace (canvas.js).
(() => {
  "use strict";

  const { api, problemText, toast, timeElement, element, ready } = window.ChatFlows;
  const byTestId = id => document.querySelector(`[data-testid="${id}"]`);
  const base = byTestId("members-panel").dataset.api;
  const roles = ["viewer", "runner", "editor", "admin"];

  function showError(problem) {
    const form = byTestId("member-add");
    for (const field of form.querySelectorAll(".field")) field.classList.remove("invalid");
    for (const path of Object.keys(problem?.errors ?? {})) form.querySelector(`[data-field="${CSS.escape(path)}"]`)?.classList.add("invalid");
    const error = byTestId("member-error");
    error.textContent = problemText(problem, "That did not work.");
    error.hidden = false;
  }

  function clearError() {
    for (const field of byTestId("member-add").querySelectorAll(".field")) field.classList.remove("invalid");
    byTestId("member-error").hidden = true;
  }

  async function grant(principal, role) {
    const answer = await api("PUT", `${base}/${encodeURIComponent(principal)}`, { role });
    if (!answer.ok) {
      showError(answer.problem);
      return false;
    }
    clearError();
    toast(`${principal} is now ${role}.`);
    await load();
    return true;
  }

  async function remove(principal) {
    const answer = await api("DELETE", `${base}/${encodeURIComponent(principal)}`);
    if (!answer.ok) {
      showError(answer.problem);
      return;
    }
    clearError();
    toast(`${principal} has no role here any more.`);
    await load();
  }

  function row(member) {
    const picker = element("select", { "data-testid": "member-row-role", "aria-label": `Role of ${member.principal}` },
      roles.map(r => element("option", { value: r, selected: r === member.role }, r)));
    picker.addEventListener("change", async () => {
      if (!await grant(member.principal, picker.value)) picker.value = member.role;
    });
    return element("tr", { "data-testid": "member-row", "data-principal": member.principal },
      element("td", { "data-testid": "member-row-principal" }, member.principal),
      element("td", {}, picker),
      element("td", {}, member.grantedBy),
      element("td", {}, timeElement(member.grantedAt)),
      element("td", {}, element("button", { type: "button", "data-testid": "member-row-remove", onclick: () => remove(member.principal) }, "Remove")));
  }

  async function load() {
    const answer = await api("GET", base);
    if (!answer.ok) {
      toast(problemText(answer.problem, "The members could not be loaded."), "error");
      return;
    }
    byTestId("members-list").tBodies[0].replaceChildren(...answer.data.members.map(row));
  }

  byTestId("member-add").addEventListener("submit", async event => {
    event.preventDefault();
    const principal = byTestId("member-principal").value.trim();
    if (await grant(principal, byTestId("member-role").value)) byTestId("member-principal").value = "";
  });

  load().then(ready);
})();
