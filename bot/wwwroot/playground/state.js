// The Playground's shared state and its talk with /playground/api (README §HTTP API): the page's elements by test id,
// who is speaking, the open channel and thread, this person's notes, the browser's stored choices, and the small
// helpers every part uses to post and to show a problem. It imports nothing: every other module may depend on it.

export const NameKey = "chatflows.playground.name";
export const ChannelKey = "chatflows.playground.channel";
export const UserPattern = /^[A-Za-z0-9._-]{1,40}$/;
export const ChannelPattern = /^[a-z0-9][a-z0-9-]{0,79}$/;
export const Api = "/playground/api";

const $ = (testId, root = document) => root.querySelector(`[data-testid="${testId}"]`);

export const ui = {
  channelList: $("channel-list"),
  newChannel: $("new-channel"),
  newChannelForm: $("new-channel-form"),
  newChannelInput: $("new-channel-input"),
  newChannelError: $("new-channel-error"),
  newChannelCancel: $("new-channel-cancel"),
  meName: $("me-name"),
  meAvatar: $("me-avatar"),
  nameChange: $("name-change"),
  channelTitle: $("channel-title"),
  connection: $("connection-status"),
  messages: $("message-list"),
  composer: $("composer"),
  composerInput: $("composer-input"),
  composerSend: $("composer-send"),
  composerError: $("composer-error"),
  thread: $("thread-panel"),
  threadChannel: $("thread-channel"),
  threadClose: $("thread-close"),
  threadRoot: $("thread-root"),
  threadCount: $("thread-reply-count"),
  replies: $("reply-list"),
  threadComposer: $("thread-composer"),
  threadInput: $("thread-composer-input"),
  threadSend: $("thread-composer-send"),
  threadError: $("thread-composer-error"),
  namePicker: $("name-picker"),
  nameForm: $("name-form"),
  nameInput: $("name-input"),
  nameError: $("name-error"),
  nameCancel: $("name-cancel"),
};

export const state = {
  user: readStored(NameKey),
  // Signed in with the host's provider: the name is the person's, and cannot be changed here.
  signedIn: false,
  identity: null,
  channel: null,
  channels: [],
  // The open channel's messages (not replies) by id.
  messages: new Map(),
  // Replies already counted in their root's reply count, so a reply seen twice (answer and event) counts once.
  countedReplies: new Set(),
  // Events that arrived while the channel's history was loading.
  loading: false,
  buffered: [],
  // The open thread: { rootId, root, replies: Map, loading, buffered }.
  thread: null,
  // Answers only this person sees; never stored, gone on reload. { key, afterId, text, runId }
  notes: [],
  unread: new Set(),
};

// Where a note belongs: a channel's list or a thread's.
export const channelKey = channel => `channel:${channel}`;
export const threadKey = rootId => `thread:${rootId}`;

export function postJson(url, body) {
  return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/** The sentences of a problem+json answer: each field's errors, or its detail. */
export function problemText(problem, fallback) {
  if (problem?.errors) return Object.values(problem.errors).flat().join(" ");
  return problem?.detail ?? problem?.title ?? fallback;
}

export function showError(element, text) {
  element.textContent = text;
  element.hidden = false;
}

// Storage can be switched off; the page then just forgets the name on reload.
export function readStored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Nothing to do: the value lives for this visit only.
  }
}
