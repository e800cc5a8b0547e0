// The live event stream (/playground/api/events): new and changed messages become events "message.created" and
// "message.updated"; the header shows whether the page is live, reconnecting or offline; back after a drop, it says
// "stream.reopened" so what was posted meanwhile is read from the history.
import { Api, ui } from "./state.js";
import { emit } from "./events.js";

let everConnected = false;

/** Opens the stream; settles once it is open, or after 3 s so a slow stream does not hold the page. */
export function connect() {
  return new Promise(resolve => {
    const source = new EventSource(`${Api}/events`);
    const forward = name => event => emit(name, JSON.parse(event.data));
    source.addEventListener("message.created", forward("message.created"));
    source.addEventListener("message.updated", forward("message.updated"));
    source.addEventListener("open", () => {
      setConnection("live");
      // Back after a drop: anything posted meanwhile is in the history, not in the stream.
      if (everConnected) emit("stream.reopened");
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
