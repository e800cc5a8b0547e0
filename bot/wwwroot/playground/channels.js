// The sidebar's channel list: the channels read from /playground/api, the open one lit, the ones with unseen messages
// marked, and the New channel form. A click or a new channel asks for it with event "channel.select".
import { Api, ChannelPattern, postJson, problemText, showError, state, ui } from "./state.js";
import { emit, on } from "./events.js";
import { escapeHtml } from "./text.js";

/** Wires the New channel form and subscribes the list to new messages and the selected channel. */
export function initChannels() {
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
  on("message.created", message => {
    if (!state.channels.some(c => c.name === message.channel)) {
      state.channels.push({ name: message.channel });
      renderChannels();
    }
    if (message.channel !== state.channel) {
      state.unread.add(message.channel);
      renderChannels();
    }
  });
  on("channel.selected", name => {
    state.unread.delete(name);
    renderChannels();
  });
}

export async function loadChannels() {
  const response = await fetch(`${Api}/channels`);
  state.channels = response.ok ? await response.json() : [{ name: "general" }];
  renderChannels();
}

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
    button.addEventListener("click", () => emit("channel.select", channel.name));
    item.append(button);
    return item;
  });
  ui.channelList.replaceChildren(...items);
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
    await emit("channel.select", name);
    return;
  }
  showError(ui.newChannelError, problemText(await response.json().catch(() => null), `The channel could not be created (${response.status}).`));
}
