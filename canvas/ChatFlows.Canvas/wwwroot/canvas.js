// What every canvas page shares: calling the JSON API, turning problem+json answers into sentences, short notices,
// and the formats of times, durations and statuses. Pages build on window.ChatFlows.
(() => {
  "use strict";

  // The workspace the page belongs to (README §Workspaces and roles): the layout writes its API prefix (/api or
  // /api/w/{workspace}) and its page prefix ("" or /w/{workspace}), so every call and link stays in that workspace.
  const meta = name => document.querySelector(`meta[name="${name}"]`)?.content;
  const apiPrefix = meta("chatflows-api") ?? "/api";
  const pagePrefix = meta("chatflows-pages") ?? "";

  /** The address of an API path (written as /api/…) in the page's workspace. */
  function apiUrl(path) {
    return typeof path === "string" && (path === "/api" || path.startsWith("/api/") || path.startsWith("/api?")) ? apiPrefix + path.slice(4) : path;
  }

  /** The address of a canvas page (written as /runs/…, /workflows/…, /?…) in the page's workspace. */
  function pageUrl(path) {
    return typeof path === "string" && path.startsWith("/") && !path.startsWith("//") ? pagePrefix + path : path;
  }

  /**
   * Calls the JSON API. Resolves to { ok, status, data, etag, problem } and never throws for an HTTP error, so
   * pages decide what to tell the user; a network failure resolves with status 0 and a problem saying so.
   * With options.raw the body is text sent as it is, so the server judges JSON a person typed or picked.
   */
  async function api(method, url, body, options = {}) {
    url = apiUrl(url);
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (options.ifMatch !== undefined && options.ifMatch !== null) headers["If-Match"] = `"${options.ifMatch}"`;
    let response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : options.raw ? body : JSON.stringify(body) });
    } catch (error) {
      return { ok: false, status: 0, data: null, etag: null, problem: { title: `The server could not be reached (${error.message}). Is ChatFlows still running?` } };
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = text; }
    }
    const etag = response.headers.get("ETag");
    return { ok: response.ok, status: response.status, data: response.ok ? data : null, etag: etag?.replaceAll('"', "") ?? null, problem: response.ok ? null : data };
  }

  /** The sentences of a problem+json answer: every field's errors, or its detail or title. */
  function problemText(problem, fallback) {
    if (problem && typeof problem === "object") {
      if (problem.errors && typeof problem.errors === "object") {
        const sentences = Object.entries(problem.errors).flatMap(([path, messages]) => [].concat(messages).map(m => path ? `${path}: ${m}` : m));
        if (sentences.length > 0) return sentences.join(" ");
      }
      if (problem.detail) return problem.title ? `${problem.title} ${problem.detail}` : problem.detail;
      if (problem.title) return problem.title;
    }
    if (typeof problem === "string" && problem.trim()) return problem.trim();
    return fallback;
  }

  /** A short notice in the corner; errors stay until closed, others fade after a few seconds. */
  function toast(text, kind = "info") {
    const host = document.querySelector(".toasts");
    if (!host) return;
    const item = document.createElement("div");
    item.className = `toast ${kind}`;
    item.dataset.testid = `toast-${kind}`;
    item.setAttribute("role", kind === "error" ? "alert" : "status");
    const message = document.createElement("span");
    message.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "icon-button";
    close.setAttribute("aria-label", "Close");
    close.textContent = "×";
    close.addEventListener("click", () => item.remove());
    item.append(message, close);
    host.append(item);
    if (kind !== "error") setTimeout(() => item.remove(), 5000);
  }

  /** 1.2 s, 340 ms, 3 min 4 s. */
  function formatDuration(ms) {
    if (ms === null || ms === undefined || Number.isNaN(ms)) return "";
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
    const minutes = Math.floor(ms / 60_000);
    if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /**
   * A time in the reader's zone, with the date when it is not today: "14:02" today, "3 Dec 14:02" this year,
   * "3 Dec 2025 14:02" otherwise. The one format of times on every canvas page.
   */
  function formatTime(iso, now = new Date()) {
    if (!iso) return "";
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return String(iso);
    const clock = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
    if (at.toDateString() === now.toDateString()) return clock;
    const day = `${at.getDate()} ${months[at.getMonth()]}`;
    return at.getFullYear() === now.getFullYear() ? `${day} ${clock}` : `${day} ${at.getFullYear()} ${clock}`;
  }

  /** A <time> showing formatTime, with the full ISO timestamp as its tooltip; "—" for no time. */
  function timeElement(iso) {
    if (!iso) return document.createTextNode("—");
    const at = new Date(iso);
    const full = Number.isNaN(at.getTime()) ? String(iso) : at.toISOString();
    return element("time", { datetime: full, title: full, "data-testid": "time" }, formatTime(iso));
  }

  /** A run or node status as a coloured badge element. */
  function statusBadge(status) {
    const badge = document.createElement("span");
    badge.className = `status status-${status}`;
    badge.dataset.status = status;
    badge.textContent = status;
    return badge;
  }

  /** Creates an element with attributes and children (strings become text, never HTML). */
  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "dataset") Object.assign(node.dataset, value);
      else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
      else if (value === true) node.setAttribute(name, "");
      else node.setAttribute(name, value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Pages call this once their first data has loaded; browser tests wait for it. */
  function ready() {
    window.canvasReady = true;
    document.body.dataset.ready = "true";
  }

  // The workspace switcher in the top bar goes to the chosen workspace's dashboard.
  // (Listened for on the document: this script runs in the head, before the top bar exists.)
  document.addEventListener("change", event => {
    if (!event.target.matches?.('[data-testid="workspace-switch"]')) return;
    const chosen = event.target.selectedOptions[0];
    if (chosen?.dataset.href) location.assign(chosen.dataset.href);
  });

  window.ChatFlows = { api, apiUrl, pageUrl, problemText, toast, formatDuration, formatTime, timeElement, statusBadge, element, ready };
})();
