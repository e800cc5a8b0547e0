// The dashboard's Widgets section (README §Dashboard widgets): what output/widget nodes set, refreshed every few
// seconds. A number shows its trend against the value before it, text is Markdown the server rendered without raw
// HTML, tables and lists are built as text, and a series is a line chart drawn by Chart.js (lib/chartjs). Every widget
// says when it was set and links to the run that set it.
const { api, element, timeElement, problemText, pageUrl } = window.ChatFlows;

const refreshMs = 5000;
const charts = new Map();
const grid = document.querySelector("[data-testid=widget-grid]");
const empty = document.querySelector("[data-testid=widget-empty]");
const error = document.querySelector("[data-testid=widget-error]");

async function refresh() {
  const answer = await api("GET", "/api/widgets");
  error.hidden = answer.ok;
  if (!answer.ok) {
    error.textContent = problemText(answer.problem, "The widgets could not be loaded.");
    return;
  }
  render(answer.data.items);
}

function render(widgets) {
  empty.hidden = widgets.length > 0;
  const seen = new Set(widgets.map(w => w.name));
  for (const [name, chart] of charts) {
    if (!seen.has(name)) {
      chart.destroy();
      charts.delete(name);
    }
  }
  const cards = widgets.map(widget => {
    const existing = grid.querySelector(`[data-widget="${CSS.escape(widget.name)}"]`);
    // A chart keeps its canvas between refreshes (Chart.js animates the new points); other widgets are rebuilt.
    if (existing && widget.type === "series" && existing.dataset.type === "series") {
      updateChart(widget, existing.querySelector("canvas"));
      existing.querySelector("[data-testid=widget-meta]").replaceWith(meta(widget));
      existing.querySelector("[data-testid=widget-title]").textContent = widget.title;
      return existing;
    }
    charts.get(widget.name)?.destroy();
    charts.delete(widget.name);
    return card(widget);
  });
  grid.replaceChildren(...cards);
  for (const widget of widgets) {
    if (widget.type === "series" && !charts.has(widget.name)) {
      updateChart(widget, grid.querySelector(`[data-widget="${CSS.escape(widget.name)}"] canvas`));
    }
  }
}

function card(widget) {
  return element("article", { class: `widget widget-${widget.type}`, dataset: { testid: "widget", widget: widget.name, type: widget.type } },
    element("h3", { "data-testid": "widget-title" }, widget.title),
    body(widget),
    meta(widget));
}

function meta(widget) {
  return element("p", { class: "widget-meta muted", "data-testid": "widget-meta" },
    "Set ", timeElement(widget.updatedAt), " by ",
    element("a", { href: pageUrl(widget.runUrl), "data-testid": "widget-run" }, widget.workflowId));
}

function body(widget) {
  switch (widget.type) {
    case "number": return numberBody(widget);
    case "text": {
      const text = element("div", { class: "widget-text", "data-testid": "widget-value" });
      // Rendered by the server with raw HTML disabled and unsafe links removed (WidgetMarkdown).
      text.innerHTML = widget.html ?? "";
      return text;
    }
    case "table": return tableBody(widget.value);
    case "list": return listBody(widget.value);
    case "series": return element("div", { class: "widget-chart" }, element("canvas", { "data-testid": "widget-chart", "aria-label": `${widget.title}: a line chart` }));
    default: return element("p", { "data-testid": "widget-value" }, JSON.stringify(widget.value));
  }
}

function numberBody(widget) {
  const value = element("p", { class: "widget-number", "data-testid": "widget-value" }, formatNumber(widget.value));
  if (!widget.trend) return value;
  const { delta, previous } = widget.trend;
  const direction = delta > 0 ? "up" : delta < 0 ? "down" : "flat";
  const arrow = delta > 0 ? "▲" : delta < 0 ? "▼" : "=";
  const sign = delta > 0 ? "+" : "";
  return element("div", {}, value,
    element("p", { class: `widget-trend ${direction}`, "data-testid": "widget-trend", title: `Before: ${formatNumber(previous)}` },
      `${arrow} ${sign}${formatNumber(delta)}`));
}

function tableBody(value) {
  const columns = Array.isArray(value) ? [...new Set(value.flatMap(row => Object.keys(row)))] : value.columns;
  const rows = Array.isArray(value) ? value.map(row => columns.map(c => row[c])) : value.rows;
  return element("div", { class: "widget-table-wrap" },
    element("table", { class: "list widget-table", "data-testid": "widget-value" },
      element("thead", {}, element("tr", {}, columns.map(c => element("th", {}, c)))),
      element("tbody", {}, rows.map(cells => element("tr", {}, columns.map((_, i) => element("td", {}, cell(cells[i]))))))));
}

function listBody(items) {
  return element("ul", { class: "widget-list", "data-testid": "widget-value" }, items.map(item => {
    if (typeof item === "string") return element("li", {}, item);
    // Only http and https addresses reach here; the node refuses others.
    return element("li", {}, item.url ? element("a", { href: item.url, rel: "noopener noreferrer", target: "_blank" }, item.text) : item.text);
  }));
}

function cell(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function formatNumber(value) {
  return typeof value === "number" ? value.toLocaleString(undefined, { maximumFractionDigits: 2 }) : String(value);
}

function updateChart(widget, canvas) {
  const points = (widget.points ?? []).map(p => ({ x: Date.parse(p.at), y: p.value }));
  const existing = charts.get(widget.name);
  if (existing) {
    existing.data.datasets[0].data = points;
    existing.data.datasets[0].label = widget.title;
    existing.update();
    return;
  }
  if (!window.Chart || !canvas) return;
  // A linear axis over Unix milliseconds, labelled with the canvas's time format, needs no date adapter.
  charts.set(widget.name, new window.Chart(canvas, {
    type: "line",
    data: { datasets: [{ label: widget.title, data: points, borderColor: "#4f46e5", backgroundColor: "rgba(79, 70, 229, 0.12)", fill: true, tension: 0.25, pointRadius: 2 }] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { title: items => window.ChatFlows.formatTime(new Date(items[0].parsed.x).toISOString()) } } },
      scales: {
        x: { type: "linear", ticks: { maxTicksLimit: 6, callback: value => window.ChatFlows.formatTime(new Date(value).toISOString()) } },
        y: { beginAtZero: false },
      },
    },
  }));
}

// No top-level await: the page's first paint and load never wait for the widgets.
refresh().finally(() => {
  document.querySelector("[data-testid=widgets-panel]").dataset.loaded = "true";
  setInterval(refresh, refreshMs);
});
