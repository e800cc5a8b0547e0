// The ChatFlows Playground's entry (README §HTTP API): a chat channel in the browser. The page is split by concern over
// one shared state (state.js) and an event hub (events.js): the sidebar's channel list (channels.js), the open channel
// (channel.js), the thread panel (thread.js), messages and notes as list items (messages.js) with their cards
// (cards.js), text (text.js) and times (format.js), the live event stream (stream.js), the composers (composer.js) and
// who is speaking (me.js). This module only wires the page: it starts the parts, follows the URL's channel, reads the
// channel and thread again after the stream drops, and says when the first history is shown (window.playgroundReady).
import { ChannelKey, readStored, state, ui } from "./state.js";
import { on } from "./events.js";
import { initChannels, loadChannels } from "./channels.js";
import { initChannel, loadChannel, selectChannel } from "./channel.js";
import { initThread, openThread } from "./thread.js";
import { initComposer } from "./composer.js";
import { initMe, openNamePicker, renderMe, whoAmI } from "./me.js";
import { connect } from "./stream.js";

initChannels();
initChannel();
initThread();
initComposer();
initMe();

// Back after a drop: the channel's history, then the open thread, are read again.
on("stream.reopened", async () => {
  await loadChannel();
  if (state.thread) await openThread(state.thread.rootId);
});

window.addEventListener("hashchange", () => {
  const name = decodeURIComponent(location.hash.slice(1));
  if (name && name !== state.channel) selectChannel(name);
});

async function start() {
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
