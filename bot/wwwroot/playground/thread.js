// The thread panel: a root message and its replies read from /playground/api, replies and changes as they arrive
// (held while the thread loads), the reply count, and the thread's notes. It opens on event "thread.open" and closes
// with its button, Escape, or when another channel is selected; it tells the channel what it read ("thread.read").
import { Api, state, threadKey, ui } from "./state.js";
import { emit, on } from "./events.js";
import { appendNote, fillMessage, findItem, messageElement, renderList } from "./messages.js";

/** Subscribes the thread panel to what it shows. */
export function initThread() {
  ui.threadClose.addEventListener("click", closeThread);
  document.addEventListener("keydown", event => {
    if (event.key === "Escape" && !ui.thread.hidden && ui.namePicker.hidden) closeThread();
  });
  on("thread.open", openThread);
  on("channel.selected", closeThread);
  on("message.created", message => {
    if (message.channel !== state.channel || state.loading || message.threadId == null) return;
    addReply(message);
  });
  on("message.updated", onUpdated);
  on("reply-count", rootId => {
    if (state.thread?.rootId === rootId) renderThreadCount();
  });
  on("note", (key, text, runId, cards) => {
    if (key.startsWith("thread:")) appendNote(ui.replies, key, text, runId, state.thread && key === threadKey(state.thread.rootId), cards);
  });
}

export async function openThread(rootId) {
  const thread = { rootId, root: state.messages.get(rootId) ?? null, replies: new Map(), loading: true, buffered: [] };
  state.thread = thread;
  ui.thread.hidden = false;
  document.body.classList.add("thread-open");
  ui.threadChannel.textContent = `#${state.channel}`;
  ui.threadError.hidden = true;
  emit("thread.opened", rootId);
  renderThreadRoot();
  ui.replies.replaceChildren();
  ui.threadCount.textContent = "";

  let loaded = null;
  try {
    const response = await fetch(`${Api}/messages/${rootId}/thread`);
    if (response.ok) loaded = await response.json();
  } finally {
    thread.loading = false;
  }
  if (state.thread !== thread) return;
  if (!loaded) {
    closeThread();
    return;
  }
  thread.root = loaded.root;
  for (const reply of loaded.replies) {
    thread.replies.set(reply.id, reply);
    state.countedReplies.add(reply.id);
  }
  renderThreadRoot();
  renderList(ui.replies, loaded.replies, threadKey(rootId), "reply");
  for (const reply of thread.buffered) addReply(reply);
  thread.buffered = [];
  // The thread just read is the truth about how many replies there are.
  emit("thread.read", rootId, thread.replies.size);
  renderThreadCount();
  const body = ui.thread.querySelector(".thread-body");
  body.scrollTop = body.scrollHeight;
  ui.threadInput.focus();
}

function renderThreadRoot() {
  const thread = state.thread;
  if (!thread?.root) {
    ui.threadRoot.replaceChildren();
    return;
  }
  const item = document.createElement("div");
  item.className = "message root";
  item.dataset.messageId = String(thread.root.id);
  fillMessage(item, thread.root, "root");
  ui.threadRoot.replaceChildren(item);
}

function renderThreadCount() {
  const count = state.thread?.replies.size ?? 0;
  ui.threadCount.textContent = count === 0 ? "No replies yet" : count === 1 ? "1 reply" : `${count} replies`;
}

function closeThread() {
  state.thread = null;
  ui.thread.hidden = true;
  document.body.classList.remove("thread-open");
  emit("thread.closed");
}

function addReply(message) {
  const thread = state.thread;
  if (!thread || thread.rootId !== message.threadId) return;
  if (thread.loading) {
    thread.buffered.push(message);
    return;
  }
  if (thread.replies.has(message.id)) return;
  thread.replies.set(message.id, message);
  const body = ui.thread.querySelector(".thread-body");
  const nearEnd = body.scrollHeight - body.scrollTop - body.clientHeight < 120;
  ui.replies.append(messageElement(message, "reply"));
  renderThreadCount();
  if (nearEnd || message.author === state.user) body.scrollTop = body.scrollHeight;
}

// A change to the open thread's root or one of its replies, once the channel is not loading (it replays them then).
function onUpdated(message) {
  if (message.channel !== state.channel || state.loading) return;
  const thread = state.thread;
  if (!thread || thread.loading) return;
  if (thread.rootId === message.id) {
    thread.root = message;
    renderThreadRoot();
  } else if (thread.replies.has(message.id)) {
    thread.replies.set(message.id, message);
    const item = findItem(ui.replies, message.id);
    if (item) fillMessage(item, message, "reply");
  }
}
