// Messages and notes as list items, shared by the channel and the thread: a message's avatar, author, time, text and
// card, its reply count and Reply button (which ask for the thread with event "thread.open"), and the notes only this
// person sees, placed among the messages in the order they happened. It draws items; the lists belong to their views.
import { state } from "./state.js";
import { emit } from "./events.js";
import { markdown } from "./text.js";
import { avatar, fullTime, time } from "./format.js";
import { renderCard } from "./cards.js";

export function messageElement(message, where) {
  const item = document.createElement("li");
  item.className = "message";
  item.dataset.testid = where === "reply" ? "reply-item" : "message-item";
  item.dataset.messageId = String(message.id);
  fillMessage(item, message, where);
  return item;
}

export function fillMessage(item, message, where) {
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
    replies.addEventListener("click", () => emit("thread.open", message.id));
    foot.append(replies);
    body.append(foot);

    const reply = document.createElement("button");
    reply.type = "button";
    reply.className = "reply-button";
    reply.dataset.testid = "open-thread";
    reply.title = "Reply in thread";
    reply.textContent = "Reply";
    reply.addEventListener("click", () => emit("thread.open", message.id));
    item.append(reply);
  }
  item.prepend(face, body);
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
  // Approval cards of "/run approvals": their Approve and Reject decide as the cards in the threads do.
  const where = note.key.startsWith("thread:") ? "thread" : "channel";
  for (const card of note.cards ?? []) item.append(renderCard(card, { runId: null, channel: state.channel, threadId: null }, where));
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

/** Keeps a note for key and shows it at the end of list when shown (the list is the channel's or the thread's). */
export function appendNote(list, key, text, runId, shown, cards) {
  const last = [...list.querySelectorAll("[data-message-id]")].pop();
  const note = { key, afterId: last ? Number(last.dataset.messageId) : 0, text, runId, cards: cards ?? [] };
  state.notes.push(note);
  if (shown) {
    list.append(noteElement(note));
    scrollToEnd(list.closest(".thread-body") ?? list, true);
  }
}

/** Fills a list with messages and this person's notes in the order they happened. */
export function renderList(list, messages, key, where) {
  const notes = state.notes.filter(n => n.key === key);
  const items = [];
  for (const message of messages) {
    while (notes.length && notes[0].afterId < message.id) items.push(noteElement(notes.shift()));
    items.push(messageElement(message, where));
  }
  for (const note of notes) items.push(noteElement(note));
  list.replaceChildren(...items);
}

export function scrollToEnd(list, force) {
  const nearEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
  if (force || nearEnd) list.scrollTop = list.scrollHeight;
}

export function findItem(list, id) {
  return list.querySelector(`:scope > [data-message-id="${id}"]`);
}
