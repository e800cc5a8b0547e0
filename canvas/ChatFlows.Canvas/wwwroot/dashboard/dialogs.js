// The dashboard's dialog helpers: the delete confirmation, busy buttons, and the server's problems shown in a dialog's
// summary or under the fields they name. Depends only on the shared state module's lookups.
import { byTestId } from "./state.js";

const { problemText, element } = window.ChatFlows;

export function openConfirm({ title, text, action, problem, done }) {
  const dialog = byTestId("confirm-dialog");
  dialog.querySelector("h2").textContent = title;
  byTestId("confirm-text").textContent = text;
  byTestId("confirm-ok").disabled = false;
  hideError("confirm-error");
  dialog.querySelector("form").onsubmit = async event => {
    event.preventDefault();
    const answer = await busy("confirm-ok", action);
    if (!answer.ok) {
      const custom = problem?.(answer.problem);
      if (custom) {
        const box = byTestId("confirm-error");
        box.replaceChildren(...custom);
        box.hidden = false;
      } else {
        showProblem("confirm-error", answer.problem, "It could not be deleted.");
      }
      return;
    }
    dialog.close();
    await done();
  };
  dialog.showModal();
  byTestId("confirm-cancel").focus();
}

// Disables the button while the request is out, so a double click sends one request.
export async function busy(testId, work) {
  const button = byTestId(testId);
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

export function hideError(testId) {
  const box = byTestId(testId);
  box.replaceChildren();
  box.hidden = true;
}

// A problem with per-path errors becomes a list, one sentence per problem; anything else its title and detail.
export function showProblem(testId, problem, fallback) {
  const box = byTestId(testId);
  const entries = problem && typeof problem === "object" && problem.errors && typeof problem.errors === "object"
    ? Object.entries(problem.errors).flatMap(([path, messages]) => [].concat(messages).map(message => [path, message]))
    : [];
  if (entries.length > 0) {
    box.replaceChildren(
      element("p", {}, problem.title ?? fallback, problem.detail ? ` ${problem.detail}` : ""),
      element("ul", { class: "problems" }, entries.map(([path, message]) =>
        element("li", { "data-testid": "problem", "data-path": path }, path ? element("code", {}, path) : null, path ? " " : null, message))));
  } else {
    box.replaceChildren(problemText(problem, fallback));
  }
  box.hidden = false;
}

export function clearFieldErrors(form) {
  form.querySelectorAll(".field.invalid").forEach(f => f.classList.remove("invalid"));
  form.querySelectorAll(".field-error").forEach(e => e.remove());
  const summary = form.querySelector(".form-error");
  summary.replaceChildren();
  summary.hidden = true;
}

// Each problem under the field it names (tools/1 belongs to tools); what fits no field goes to the summary.
export function showFieldErrors(form, problem, summaryTestId) {
  const leftover = [];
  const errors = problem && typeof problem === "object" && problem.errors && typeof problem.errors === "object" ? problem.errors : {};
  for (const [path, messages] of Object.entries(errors)) {
    const name = path.split("/")[0];
    const field = name ? form.querySelector(`.field[data-field="${CSS.escape(name)}"]`) : null;
    for (const message of [].concat(messages)) {
      if (!field) {
        leftover.push(path ? `${path}: ${message}` : message);
        continue;
      }
      field.classList.add("invalid");
      field.append(element("p", { class: "field-error", "data-testid": `${summaryTestId}-${name}` }, message));
    }
  }
  if (Object.keys(errors).length === 0) leftover.push(problemText(problem, "It could not be saved."));
  if (leftover.length > 0) {
    const summary = byTestId(summaryTestId);
    summary.textContent = leftover.join(" ");
    summary.hidden = false;
  }
  form.querySelector(".field.invalid input, .field.invalid textarea, .field.invalid select")?.focus();
}
