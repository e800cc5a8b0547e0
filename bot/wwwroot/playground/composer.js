// The two composers, the channel's and the thread's: Enter sends, Shift+Enter adds a line, the box grows with its text.
// A message (or a /run command, carried out by the host) goes to /playground/api; the posted message is announced as
// "message.created" and the host's answer only this person sees as "note". Nobody named yet: "name.needed".
import { Api, channelKey, postJson, problemText, showError, state, threadKey, ui } from "./state.js";
import { emit, on } from "./events.js";

/** Wires both composers and follows the selected channel. */
export function initComposer() {
  bindComposer(ui.composer, ui.composerInput, "channel");
  bindComposer(ui.threadComposer, ui.threadInput, "thread");
  on("channel.selected", name => {
    ui.composerInput.placeholder = `Message #${name}`;
    ui.composerError.hidden = true;
  });
  on("channel.shown", () => ui.composerInput.focus());
  on("name.chosen", () => ui.composerInput.focus());
}

async function send(where) {
  const input = where === "thread" ? ui.threadInput : ui.composerInput;
  const button = where === "thread" ? ui.threadSend : ui.composerSend;
  const error = where === "thread" ? ui.threadError : ui.composerError;
  const text = input.value.trim();
  if (!text || button.disabled) return;
  if (!state.user) {
    emit("name.needed");
    return;
  }
  const threadId = where === "thread" ? state.thread?.rootId ?? null : null;
  const channel = state.channel;
  button.disabled = true;
  error.hidden = true;
  try {
    const response = await postJson(`${Api}/channels/${encodeURIComponent(channel)}/messages`, { user: state.user, text, threadId });
    const answer = await response.json().catch(() => null);
    if (response.status !== 201) {
      showError(error, problemText(answer, `The message could not be sent (${response.status}).`));
      return;
    }
    input.value = "";
    autosize(input);
    emit("message.created", answer.message);
    if (answer.reply) emit("note", threadId ? threadKey(threadId) : channelKey(channel), answer.reply.text, answer.reply.runId, answer.reply.cards);
  } catch {
    showError(error, "The message could not be sent; is the host running?");
  } finally {
    button.disabled = false;
    input.focus();
  }
}

function bindComposer(form, input, where) {
  form.addEventListener("submit", event => {
    event.preventDefault();
    send(where);
  });
  input.addEventListener("keydown", event => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(where);
    }
  });
  input.addEventListener("input", () => autosize(input));
}

function autosize(input) {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}
