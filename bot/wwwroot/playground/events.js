// The Playground's event hub: the parts of the page tell each other what happened, and each part redraws what it
// owns. No view calls another to redraw it. It imports nothing.
//
// Events and their arguments (who emits → who listens):
//   message.created  (message)            stream, composer, channel (replaying what came while loading) → channels, channel, thread
//   message.updated  (message)            stream, channel (replay) → channel, thread
//   reply-count      (rootId)             channel, after a root's reply count changed → thread
//   thread.read      (rootId, count)      thread, having read the whole thread → channel (the root's reply count)
//   thread.open      (rootId)             messages, channel (a click on a message or its replies) → thread
//   thread.opened    (rootId)             thread → channel (marks the root selected)
//   thread.closed    ()                   thread → channel (clears the selection)
//   channel.select   (name)               channels (a click, a new channel) → channel
//   channel.selected (name)               channel → channels, composer, thread (closes)
//   channel.shown    ()                   channel, once a selected channel's history is shown → composer (focus)
//   note             (key, text, runId)   cards, composer → channel, thread (an answer only this person sees)
//   name.needed      ()                   cards, composer (nobody picked a name yet) → me
//   name.chosen      ()                   me → composer (focus)
//   stream.reopened  ()                   stream, back after a drop → the entry (reads the channel and thread again)

const listeners = new Map();

/** Calls fn(...args) on every event of that name. */
export function on(name, fn) {
  if (!listeners.has(name)) listeners.set(name, []);
  listeners.get(name).push(fn);
}

/** Tells every subscriber, in the order they subscribed; the promise settles when the async ones are done. */
export function emit(name, ...args) {
  return Promise.all((listeners.get(name) ?? []).map(fn => fn(...args)));
}
