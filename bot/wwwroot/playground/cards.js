// Bot cards: Adaptive Cards rendered by the adaptivecards library (loaded before the modules) with the Playground's
// host config and Markdown, and their actions: approve/reject and submits go to /playground/api/actions, links open
// in a new tab. The answer to a click is a note only this person sees (event "note"); a click before a name is picked
// asks for one (event "name.needed").
import { Api, postJson, problemText, state, channelKey, threadKey } from "./state.js";
import { emit } from "./events.js";
import { markdown } from "./text.js";

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
export function renderCard(json, message, where) {
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
    emit("name.needed");
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
    if (response.ok) emit("note", key, answer?.message ?? "Done.");
    else emit("note", key, problemText(answer, `The click could not be recorded (${response.status}).`));
  } catch {
    emit("note", key, "The click could not be sent; is the host running?");
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
