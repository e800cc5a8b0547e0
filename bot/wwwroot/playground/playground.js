// The ChatFlows Playground: a chat channel in the browser. Messages come from /playground/api; new and changed
// messages arrive live from /playground/api/events; bot cards are Adaptive Cards rendered by the adaptivecards library.
(() => {
  "use strict";

  const NameKey = "chatflows.playground.name";
  const ChannelKey = "chatflows.playground.channel";
  const UserPattern = /^[A-Za-z0-9._-]{1,40}$/;
  const ChannelPattern = /^[a-z0-9][a-z0-9-]{0,79}$/;
  const Api = "/playground/api";

  const $ = (testId, root = document) => root.querySelector(`[data-testid="${testId}"]`);

  const ui = {
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

  const state = {
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

  // ---- Markdown-ish text, always escaped first ------------------------------------------------------------------

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  const InlinePattern = new RegExp([
    "`([^`\\n]+)`",                                          // 1 code
    "\\[([^\\]\\n]+)\\]\\((https?:\\/\\/[^\\s)]+)\\)",        // 2, 3 [label](url)
    "<(https?:\\/\\/[^|>\\s]+)(?:\\|([^>\\n]+))?>",           // 4, 5 <url|label> (Slack style)
    "(https?:\\/\\/[^\\s<]*[^\\s<.,;:!?)\\]'\"])",            // 6 bare url
    "\\*\\*([^*\\n]+)\\*\\*",                                 // 7 **bold**
    "\\*([^*\\n]+)\\*",                                       // 8 *bold*
    "(?<![A-Za-z0-9])_([^_\\n]+)_(?![A-Za-z0-9])",            // 9 _italic_
    "~([^~\\n]+)~",                                           // 10 ~strike~
  ].join("|"), "g");

  function link(url, label) {
    return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`;
  }

  function inline(text) {
    let html = "";
    let last = 0;
    for (const m of text.matchAll(InlinePattern)) {
      html += escapeHtml(text.slice(last, m.index));
      if (m[1] !== undefined) html += `<code>${escapeHtml(m[1])}</code>`;
      else if (m[2] !== undefined) html += link(m[3], m[2]);
      else if (m[4] !== undefined) html += link(m[4], m[5] ?? m[4]);
      else if (m[6] !== undefined) html += link(m[6], m[6]);
      else if (m[7] !== undefined) html += `<strong>${inline(m[7])}</strong>`;
      else if (m[8] !== undefined) html += `<strong>${inline(m[8])}</strong>`;
      else if (m[9] !== undefined) html += `<em>${inline(m[9])}</em>`;
      else if (m[10] !== undefined) html += `<s>${inline(m[10])}</s>`;
      last = m.index + m[0].length;
    }
    return html + escapeHtml(text.slice(last));
  }

  /** Text as HTML: ``` blocks, - lists, line breaks, and the inline forms above. Nothing from the text is trusted. */
  function markdown(text) {
    const blocks = String(text ?? "").split(/```/);
    return blocks.map((block, i) => {
      if (i % 2 === 1) return `<pre><code>${escapeHtml(block.replace(/^[a-z]*\n/, ""))}</code></pre>`;
      let html = "";
      let list = null;
      for (const line of block.split("\n")) {
        const item = /^\s*[-*•]\s+(.*)$/.exec(line);
        if (item) {
          list ??= [];
          list.push(`<li>${inline(item[1])}</li>`);
          continue;
        }
        if (list) {
          html += `<ul>${list.join("")}</ul>`;
          list = null;
        }
        html += inline(line) + "<br>";
      }
      if (list) html += `<ul>${list.join("")}</ul>`;
      return html.replace(/(<br>)+$/, "");
    }).join("");
  }

  // ---- Adaptive Cards ---------------------------------------------------------------------------------------------

  const hostConfig = new AdaptiveCards.HostConfig({
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif",
    spacing: { small: 4, default: 8, medium: 16, large: 24, extraLarge: 32, padding: 12 },
    separator: { lineThickness: 1, lineColor: "#E3E6EA" },
    supportsInteractivity: true,
    fontTypes: {
      default: {
        fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif",
        fontSizes: { small: 12, default: 14, medium: 16, large: 19, extraLarge: 23 },
        fontWeights: { lighter: 300, default: 400, bolder: 600 },
      },
      monospace: {
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
        fontSizes: { small: 12, default: 13, medium: 15, large: 17, extraLarge: 21 },
        fontWeights: { lighter: 300, default: 400, bolder: 600 },
      },
    },
    containerStyles: {
      default: {
        backgroundColor: "#FFFFFF",
        foregroundColors: {
          default: { default: "#1D2125", subtle: "#5E6C7A" },
          accent: { default: "#2563EB", subtle: "#3B82F6" },
          good: { default: "#15803D", subtle: "#16A34A" },
          warning: { default: "#B45309", subtle: "#D97706" },
          attention: { default: "#B91C1C", subtle: "#DC2626" },
        },
      },
      emphasis: {
        backgroundColor: "#F4F6F8",
        foregroundColors: {
          default: { default: "#1D2125", subtle: "#5E6C7A" },
        },
      },
    },
    actions: {
      maxActions: 6,
      spacing: "default",
      buttonSpacing: 8,
      showCard: { actionMode: "inline", inlineTopMargin: 8 },
      actionsOrientation: "horizontal",
      actionAlignment: "left",
    },
  });

  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = markdown(text);
    result.didProcess = true;
  };

  /** Renders a card; a card the library cannot read shows as a short note instead of breaking the list. */
  function renderCard(json, message, where) {
    const holder = document.createElement("div");
    holder.className = "card";
    holder.dataset.testid = "message-card";
    try {
      const card = new AdaptiveCards.AdaptiveCard();
      card.hostConfig = hostConfig;
      card.onExecuteAction = action => onCardAction(action, message, where);
      card.parse(json);
      const rendered = card.render();
      if (!rendered) throw new Error("the card has nothing to show");
      holder.appendChild(rendered);
    } catch (error) {
      holder.classList.add("card-broken");
      holder.textContent = `This card could not be shown (${error.message}).`;
    }
    return holder;
  }

  /** Action.Execute (verb approve / reject) and Action.Submit: the click and the card's inputs go to /actions. */
  async function onCardAction(action, message, where) {
    if (action instanceof AdaptiveCards.OpenUrlAction) {
      openLink(action.url);
      return;
    }
    if (!(action instanceof AdaptiveCards.SubmitAction || action instanceof AdaptiveCards.ExecuteAction)) return;
    if (!state.user) {
      openNamePicker();
      return;
    }
    // After the click, action.data holds the action's data merged with the values of the card's inputs, by input id.
    const data = { ...(action.data ?? {}) };
    const verb = action instanceof AdaptiveCards.ExecuteAction && action.verb ? action.verb : (data.verb ?? data.action);
    const body = {
      user: state.user,
      runId: data.runId ?? message.runId,
      nodeId: data.nodeId,
      verb,
      comment: typeof data.comment === "string" && data.comment.trim() ? data.comment : null,
      draft: typeof data.draft === "string" ? data.draft : null,
    };
    const key = where === "thread" && state.thread ? threadKey(state.thread.rootId) : (message.threadId ? threadKey(message.threadId) : channelKey(message.channel));
    try {
      const response = await postJson(`${Api}/actions`, body);
      const answer = await response.json().catch(() => null);
      if (response.ok) addNote(key, answer?.message ?? "Done.");
      else addNote(key, problemText(answer, `The click could not be recorded (${response.status}).`));
    } catch {
      addNote(key, "The click could not be sent; is the host running?");
    }
  }

  /** Opens a card's link in a new tab: web addresses and the host's own pages (a run's detail), nothing else. */
  function openLink(url) {
    let target;
    try {
      target = new URL(url, location.href);
    } catch {
      return;
    }
    if (target.protocol === "http:" || target.protocol === "https:") window.open(target.href, "_blank", "noopener");
  }

  // ---- Messages -----------------------------------------------------------------------------------------------------

  const channelKey = channel => `channel:${channel}`;
  const threadKey = rootId => `thread:${rootId}`;

  function initials(name) {
    return (name.match(/[A-Za-z0-9]/g) ?? ["?"]).slice(0, 2).join("").toUpperCase();
  }

  function hue(name) {
    let h = 0;
    for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 360;
    return h;
  }

  function avatar(element, name, fromBot) {
    element.textContent = fromBot ? "◆" : initials(name);
    element.style.background = fromBot ? "#1D2125" : `hsl(${hue(name)} 55% 45%)`;
  }

  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // The Playground's one format of times: "14:02" today, "3 Dec 14:02" this year, "3 Dec 2025 14:02" otherwise.
  function time(iso, now = new Date()) {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return String(iso ?? "");
    const clock = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
    if (at.toDateString() === now.toDateString()) return clock;
    const day = `${at.getDate()} ${months[at.getMonth()]}`;
    return at.getFullYear() === now.getFullYear() ? `${day} ${clock}` : `${day} ${at.getFullYear()} ${clock}`;
  }

  // The full ISO timestamp, for a time's tooltip.
  function fullTime(iso) {
    const at = new Date(iso);
    return Number.isNaN(at.getTime()) ? String(iso ?? "") : at.toISOString();
  }

  function messageElement(message, where) {
    const item = document.createElement("li");
    item.className = "message";
    item.dataset.testid = where === "reply" ? "reply-item" : "message-item";
    item.dataset.messageId = String(message.id);
    fillMessage(item, message, where);
    return item;
  }

  function fillMessage(item, message, where) {
    item.replaceChildren();
    item.classList.toggle("from-bot", message.fromBot);
    item.dataset.author = message.author;

    const face = document.createElement("span");
    face.className = "avatar";
    face.setAttribute("aria-hidden", "true");
    avatar(face, message.author, message.fromBot);

    const body = document.createElement("div");
    body.className = "message-body";

    const head = document.createElement("div");
    head.className = "message-head";
    const author = document.createElement("span");
    author.className = "author";
    author.textContent = message.author;
    head.append(author);
    if (message.fromBot) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = "app";
      head.append(badge);
    }
    const when = document.createElement("time");
    when.dateTime = message.createdAt;
    when.title = fullTime(message.createdAt);
    when.textContent = time(message.createdAt);
    head.append(when);
    body.append(head);

    if (message.text) {
      const text = document.createElement("div");
      text.className = "text";
      text.dataset.testid = "message-text";
      text.innerHTML = markdown(message.text);
      body.append(text);
    }
    if (message.card) body.append(renderCard(message.card, message, where === "reply" || where === "root" ? "thread" : "channel"));

    if (where === "channel") {
      const foot = document.createElement("div");
      foot.className = "message-foot";
      const replies = document.createElement("button");
      replies.type = "button";
      replies.className = "replies-link";
      replies.dataset.testid = "reply-count";
      replies.hidden = !(message.replyCount > 0);
      replies.textContent = message.replyCount === 1 ? "1 reply" : `${message.replyCount} replies`;
      replies.addEventListener("click", () => openThread(message.id));
      foot.append(replies);
      body.append(foot);

      const reply = document.createElement("button");
      reply.type = "button";
      reply.className = "reply-button";
      reply.dataset.testid = "open-thread";
      reply.title = "Reply in thread";
      reply.textContent = "Reply";
      reply.addEventListener("click", () => openThread(message.id));
      item.append(reply);
    }
    item.prepend(face, body);
  }

  // Clicking a message opens its thread, unless the click was meant for a link, a button or a card's input.
  function onMessageClick(event) {
    const item = event.target.closest('[data-testid="message-item"]');
    if (!item || event.target.closest("a, button, input, textarea, select, .ac-adaptiveCard")) return;
    if (window.getSelection()?.toString()) return;
    openThread(Number(item.dataset.messageId));
  }

  function noteElement(note) {
    const item = document.createElement("li");
    item.className = "note";
    item.dataset.testid = "ephemeral-note";
    const label = document.createElement("div");
    label.className = "note-label";
    label.textContent = "Only visible to you";
    const text = document.createElement("div");
    text.className = "text";
    text.innerHTML = markdown(note.text);
    item.append(label, text);
    if (note.runId) {
      const run = document.createElement("a");
      run.href = `/runs/${encodeURIComponent(note.runId)}`;
      run.target = "_blank";
      run.className = "note-run";
      run.dataset.testid = "note-run";
      run.textContent = "Run details";
      item.append(run);
    }
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "link-button note-dismiss";
    dismiss.textContent = "Dismiss";
    dismiss.addEventListener("click", () => {
      state.notes = state.notes.filter(n => n !== note);
      item.remove();
    });
    item.append(dismiss);
    return item;
  }

  function addNote(key, text, runId) {
    const list = key.startsWith("thread:") ? ui.replies : ui.messages;
    const last = [...list.querySelectorAll("[data-message-id]")].pop();
    const note = { key, afterId: last ? Number(last.dataset.messageId) : 0, text, runId };
    state.notes.push(note);
    if (isShown(key)) {
      list.append(noteElement(note));
      scrollToEnd(list.closest(".thread-body") ?? list, true);
    }
  }

  function isShown(key) {
    return key === channelKey(state.channel) || (state.thread && key === threadKey(state.thread.rootId));
  }

  /** Fills a list with messages and this person's notes in the order they happened. */
  function renderList(list, messages, key, where) {
    const notes = state.notes.filter(n => n.key === key);
    const items = [];
    for (const message of messages) {
      while (notes.length && notes[0].afterId < message.id) items.push(noteElement(notes.shift()));
      items.push(messageElement(message, where));
    }
    for (const note of notes) items.push(noteElement(note));
    list.replaceChildren(...items);
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

  function scrollToEnd(list, force) {
    const nearEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
    if (force || nearEnd) list.scrollTop = list.scrollHeight;
  }

  function findItem(list, id) {
    return list.querySelector(`:scope > [data-message-id="${id}"]`);
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
    if (state.thread?.rootId === rootId) renderThreadCount();
  }

  // ---- Live events --------------------------------------------------------------------------------------------------

  function onCreated(message) {
    if (!state.channels.some(c => c.name === message.channel)) {
      state.channels.push({ name: message.channel });
      renderChannels();
    }
    if (message.channel !== state.channel) {
      state.unread.add(message.channel);
      renderChannels();
      return;
    }
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
    addReply(message);
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

  let everConnected = false;

  function connect() {
    return new Promise(resolve => {
      const source = new EventSource(`${Api}/events`);
      const parse = handler => event => handler(JSON.parse(event.data));
      source.addEventListener("message.created", parse(onCreated));
      source.addEventListener("message.updated", parse(onUpdated));
      source.addEventListener("open", () => {
        setConnection("live");
        // Back after a drop: anything posted meanwhile is in the history, not in the stream.
        if (everConnected) refresh();
        everConnected = true;
        resolve();
      });
      source.addEventListener("error", () => setConnection(source.readyState === EventSource.CLOSED ? "offline" : "reconnecting"));
      // The history is loaded after the stream is open, so nothing falls between; a slow stream must not hold the page.
      setTimeout(resolve, 3000);
    });
  }

  function setConnection(status) {
    ui.connection.dataset.state = status;
    ui.connection.textContent = { live: "live", reconnecting: "reconnecting…", offline: "offline" }[status] ?? status;
  }

  async function refresh() {
    await loadChannel();
    if (state.thread) await openThread(state.thread.rootId);
  }

  // ---- Channels -----------------------------------------------------------------------------------------------------

  function renderChannels() {
    const items = state.channels.map(channel => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.testid = "channel-item";
      button.dataset.channel = channel.name;
      button.className = "channel-item";
      button.classList.toggle("active", channel.name === state.channel);
      button.classList.toggle("unread", state.unread.has(channel.name));
      if (channel.name === state.channel) button.setAttribute("aria-current", "page");
      button.innerHTML = `<span class="hash">#</span>${escapeHtml(channel.name)}`;
      button.addEventListener("click", () => selectChannel(channel.name));
      item.append(button);
      return item;
    });
    ui.channelList.replaceChildren(...items);
  }

  async function loadChannels() {
    const response = await fetch(`${Api}/channels`);
    state.channels = response.ok ? await response.json() : [{ name: "general" }];
    renderChannels();
  }

  async function selectChannel(name) {
    if (!state.channels.some(c => c.name === name)) name = "general";
    state.channel = name;
    state.unread.delete(name);
    writeStored(ChannelKey, name);
    if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
    ui.channelTitle.textContent = `# ${name}`;
    ui.composerInput.placeholder = `Message #${name}`;
    ui.composerError.hidden = true;
    closeThread();
    renderChannels();
    await loadChannel();
    ui.composerInput.focus();
  }

  async function loadChannel(retried = false) {
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
    for (const event of buffered) (event.type === "created" ? onCreated : onUpdated)(event.message);
  }

  async function createChannel(event) {
    event.preventDefault();
    const name = ui.newChannelInput.value.trim().toLowerCase();
    if (!ChannelPattern.test(name)) {
      showError(ui.newChannelError, "Use lower-case letters, digits and dashes, e.g. deploys.");
      return;
    }
    const response = await postJson(`${Api}/channels`, { name });
    if (response.status === 201 || response.status === 409) {
      ui.newChannelForm.hidden = true;
      ui.newChannel.hidden = false;
      ui.newChannelInput.value = "";
      ui.newChannelError.hidden = true;
      if (!state.channels.some(c => c.name === name)) state.channels.push({ name });
      await selectChannel(name);
      return;
    }
    showError(ui.newChannelError, problemText(await response.json().catch(() => null), `The channel could not be created (${response.status}).`));
  }

  // ---- Thread -------------------------------------------------------------------------------------------------------

  async function openThread(rootId) {
    const thread = { rootId, root: state.messages.get(rootId) ?? null, replies: new Map(), loading: true, buffered: [] };
    state.thread = thread;
    ui.thread.hidden = false;
    document.body.classList.add("thread-open");
    ui.threadChannel.textContent = `#${state.channel}`;
    ui.threadError.hidden = true;
    for (const item of ui.messages.querySelectorAll(".message.selected")) item.classList.remove("selected");
    findItem(ui.messages, rootId)?.classList.add("selected");
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
    setReplyCount(rootId, thread.replies.size);
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
    for (const item of ui.messages.querySelectorAll(".message.selected")) item.classList.remove("selected");
  }

  // ---- Sending ------------------------------------------------------------------------------------------------------

  async function send(where) {
    const input = where === "thread" ? ui.threadInput : ui.composerInput;
    const button = where === "thread" ? ui.threadSend : ui.composerSend;
    const error = where === "thread" ? ui.threadError : ui.composerError;
    const text = input.value.trim();
    if (!text || button.disabled) return;
    if (!state.user) {
      openNamePicker();
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
      onCreated(answer.message);
      if (answer.reply) addNote(threadId ? threadKey(threadId) : channelKey(channel), answer.reply.text, answer.reply.runId);
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

  // ---- Name ---------------------------------------------------------------------------------------------------------

  function openNamePicker() {
    ui.nameInput.value = state.user ?? "";
    ui.nameError.hidden = true;
    ui.nameCancel.hidden = !state.user;
    ui.namePicker.hidden = false;
    ui.nameInput.focus();
    ui.nameInput.select();
  }

  function confirmName(event) {
    event.preventDefault();
    const name = ui.nameInput.value.trim();
    if (!UserPattern.test(name)) {
      showError(ui.nameError, "Use 1 to 40 letters, digits, dots, dashes or underscores, e.g. ada or ada.lovelace.");
      return;
    }
    state.user = name;
    writeStored(NameKey, name);
    ui.namePicker.hidden = true;
    renderMe();
    ui.composerInput.focus();
  }

  function renderMe() {
    ui.meName.textContent = state.user ?? "Pick a name";
    ui.meName.title = state.signedIn ? `Signed in as ${state.identity}` : state.user ? `Approvers know you as playground:${state.user}` : "";
    ui.nameChange.hidden = state.signedIn;
    avatar(ui.meAvatar, state.user ?? "?", false);
  }

  // ---- Helpers ------------------------------------------------------------------------------------------------------

  function postJson(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  }

  /** The sentences of a problem+json answer: each field's errors, or its detail. */
  function problemText(problem, fallback) {
    if (problem?.errors) return Object.values(problem.errors).flat().join(" ");
    return problem?.detail ?? problem?.title ?? fallback;
  }

  function showError(element, text) {
    element.textContent = text;
    element.hidden = false;
  }

  // Storage can be switched off; the page then just forgets the name on reload.
  function readStored(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  }

  function writeStored(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Nothing to do: the value lives for this visit only.
    }
  }

  // Signed in, the host speaks for the person; the picked display name is only for trying things without sign-in.
  async function whoAmI() {
    try {
      const response = await fetch(`${Api}/me`);
      const me = response.ok ? await response.json() : null;
      if (me?.signedIn) {
        state.signedIn = true;
        state.user = me.name;
        state.identity = me.id;
      }
    } catch {
      // The display name picked before still works.
    }
  }

  // ---- Start --------------------------------------------------------------------------------------------------------

  async function start() {
    bindComposer(ui.composer, ui.composerInput, "channel");
    bindComposer(ui.threadComposer, ui.threadInput, "thread");
    ui.messages.addEventListener("click", onMessageClick);
    ui.threadClose.addEventListener("click", closeThread);
    ui.nameForm.addEventListener("submit", confirmName);
    ui.nameChange.addEventListener("click", openNamePicker);
    ui.nameCancel.addEventListener("click", () => { ui.namePicker.hidden = true; });
    ui.newChannel.addEventListener("click", () => {
      ui.newChannel.hidden = true;
      ui.newChannelForm.hidden = false;
      ui.newChannelInput.focus();
    });
    ui.newChannelCancel.addEventListener("click", () => {
      ui.newChannelForm.hidden = true;
      ui.newChannel.hidden = false;
      ui.newChannelError.hidden = true;
    });
    ui.newChannelForm.addEventListener("submit", createChannel);
    document.addEventListener("keydown", event => {
      if (event.key === "Escape" && !ui.thread.hidden && ui.namePicker.hidden) closeThread();
    });
    window.addEventListener("hashchange", () => {
      const name = decodeURIComponent(location.hash.slice(1));
      if (name && name !== state.channel) selectChannel(name);
    });

    await whoAmI();
    renderMe();
    if (!state.user) openNamePicker();
    await connect();
    await loadChannels();
    const wanted = decodeURIComponent(location.hash.slice(1)) || readStored(ChannelKey) || "general";
    await selectChannel(wanted);
    if (!state.user) ui.nameInput.focus();
    window.playgroundReady = true;
  }

  start();
})();
