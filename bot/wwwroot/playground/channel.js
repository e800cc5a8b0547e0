// The open channel: its title, its history read from /playground/api, its messages as they arrive or change (events
// that come while the history loads are held and replayed), root messages' reply counts, the notes of the channel,
// and which message's thread is open. Selecting a channel (event "channel.select") happens here; the sidebar, the
// composer and the thread hear of it ("channel.selected").
import { Api, ChannelKey, channelKey, state, ui, writeStored } from "./state.js";
import { emit, on } from "./events.js";
import { escapeHtml } from "./text.js";
import { appendNote, fillMessage, findItem, messageElement, renderList, scrollToEnd } from "./messages.js";

/** Subscribes the channel to what it shows. */
export function initChannel() {
  ui.messages.addEventListener("click", onMessageClick);
  on("channel.select", selectChannel);
  on("message.created", onCreated);
  on("message.updated", onUpdated);
  on("thread.read", setReplyCount);
  on("thread.opened", rootId => {
    clearSelection();
    findItem(ui.messages, rootId)?.classList.add("selected");
  });
  on("thread.closed", clearSelection);
  on("note", (key, text, runId, cards) => {
    if (!key.startsWith("thread:")) appendNote(ui.messages, key, text, runId, key === channelKey(state.channel), cards);
  });
}

export async function selectChannel(name) {
  if (!state.channels.some(c => c.name === name)) name = "general";
  state.channel = name;
  writeStored(ChannelKey, name);
  if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
  ui.channelTitle.textContent = `# ${name}`;
  emit("channel.selected", name);
  await loadChannel();
  emit("channel.shown");
}

export async function loadChannel(retried = false) {
  const channel = state.channel;
  state.loading = true;
  state.buffered = [];
  let messages = [];
  try {
    const response = await fetch(`${Api}/channels/${encodeURIComponent(channel)}/messages`);
    if (response.ok) messages = await response.json();
  } finally {
    state.loading = false;
  }
  if (channel !== state.channel) return;
  const buffered = state.buffered;
  state.buffered = [];
  // A reply that arrived while loading may already be in the counts just read: read again rather than guess.
  if (!retried && buffered.some(e => e.type === "created" && e.message.threadId != null)) return loadChannel(true);
  state.messages = new Map(messages.map(m => [m.id, m]));
  state.countedReplies.clear();
  renderChannel();
  for (const event of buffered) emit(event.type === "created" ? "message.created" : "message.updated", event.message);
}

function renderChannel() {
  const messages = [...state.messages.values()].sort((a, b) => a.id - b.id);
  renderList(ui.messages, messages, channelKey(state.channel), "channel");
  if (messages.length === 0 && !state.notes.some(n => n.key === channelKey(state.channel))) {
    const empty = document.createElement("li");
    empty.className = "empty";
    empty.dataset.testid = "empty-channel";
    empty.innerHTML = `No messages in <strong>#${escapeHtml(state.channel)}</strong> yet. Say hello, or type <code>/run help</code>.`;
    ui.messages.append(empty);
  }
  scrollToEnd(ui.messages, true);
}

// Clicking a message opens its thread, unless the click was meant for a link, a button or a card's input.
function onMessageClick(event) {
  const item = event.target.closest('[data-testid="message-item"]');
  if (!item || event.target.closest("a, button, input, textarea, select, .ac-adaptiveCard")) return;
  if (window.getSelection()?.toString()) return;
  emit("thread.open", Number(item.dataset.messageId));
}

function clearSelection() {
  for (const item of ui.messages.querySelectorAll(".message.selected")) item.classList.remove("selected");
}

function setReplyCount(rootId, count) {
  const root = state.messages.get(rootId);
  if (root) {
    root.replyCount = count;
    const button = findItem(ui.messages, rootId)?.querySelector('[data-testid="reply-count"]');
    if (button) {
      button.hidden = count === 0;
      button.textContent = count === 1 ? "1 reply" : `${count} replies`;
    }
  }
  emit("reply-count", rootId);
}

// A new message of the open channel: a root joins the list; a reply counts once towards its root (the thread shows it).
function onCreated(message) {
  if (message.channel !== state.channel) return;
  if (state.loading) {
    state.buffered.push({ type: "created", message });
    return;
  }
  if (message.threadId == null) {
    if (state.messages.has(message.id)) return;
    state.messages.set(message.id, message);
    ui.messages.querySelector('[data-testid="empty-channel"]')?.remove();
    const nearEnd = ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 120;
    ui.messages.append(messageElement(message, "channel"));
    if (nearEnd || message.author === state.user) ui.messages.scrollTop = ui.messages.scrollHeight;
    return;
  }
  if (!state.countedReplies.has(message.id)) {
    state.countedReplies.add(message.id);
    const root = state.messages.get(message.threadId);
    if (root) setReplyCount(root.id, root.replyCount + 1);
  }
}

function onUpdated(message) {
  if (message.channel !== state.channel) return;
  if (state.loading) {
    state.buffered.push({ type: "updated", message });
    return;
  }
  if (message.threadId == null && state.messages.has(message.id)) {
    // An update read before a reply was added can arrive after that reply; replies are never removed.
    message.replyCount = Math.max(message.replyCount, state.messages.get(message.id).replyCount);
    state.messages.set(message.id, message);
    const item = findItem(ui.messages, message.id);
    if (item) fillMessage(item, message, "channel");
  }
}
