// The template gallery on /workflows/new (README §Templates): a card per template from GET /api/templates, filtered by
// search and category; each card is a link that opens the editor with the template (/workflows/new?template=<id>).
// Cards are links, so Tab, Enter and the browser's own keys work on them; arrow keys move between cards too.

const { api, problemText, toast, element: h, ready, pageUrl } = window.ChatFlows;
const root = document.querySelector("[data-testid=gallery]");
const $ = testid => root.querySelector(`[data-testid="${testid}"]`);
const list = $("gallery-list");
const search = $("gallery-search");
const category = $("gallery-category");
let templates = [];

const STATUS_MARK = { ready: "✓", created: "✓", missing: "✗", check: "•" };

function card(template) {
  return h("li", { "data-testid": "template-item", "data-category": template.category },
    h("a", { class: "template-card", href: pageUrl(`/workflows/new?template=${encodeURIComponent(template.id)}`), "data-testid": "template-card", "data-template-id": template.id },
      h("span", { class: "template-name", "data-testid": "template-name" }, template.name),
      h("span", { class: "template-category", "data-testid": "template-category" }, template.category),
      h("span", { class: "template-description" }, template.description),
      h("span", { class: "template-kinds", "aria-label": "Node kinds" },
        ...template.kinds.map(kind => h("span", { class: "template-kind", "data-testid": "template-kind" }, kind))),
      template.settings.length === 0 ? null : h("ul", { class: "template-needs", "aria-label": "Needs" },
        ...template.settings.map(s => h("li", { "data-testid": "template-need", "data-status": s.status, title: s.detail },
          `${STATUS_MARK[s.status] ?? "•"} ${s.kind}: ${s.name}`)))));
}

function matches(template, words, wanted) {
  if (wanted && template.category !== wanted) return false;
  const text = [template.name, template.description, template.category, ...template.kinds, ...template.settings.map(s => `${s.kind} ${s.name}`)]
    .join(" ").toLowerCase();
  return words.every(word => text.includes(word));
}

function render() {
  const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = templates.filter(t => matches(t, words, category.value));
  list.querySelectorAll("[data-testid=template-item]").forEach(item => item.remove());
  list.append(...shown.map(card));
  $("gallery-empty").hidden = shown.length > 0 || templates.length === 0;
}

// Arrow keys move between cards in reading order; Home and End go to the first and last.
list.addEventListener("keydown", evt => {
  const cards = [...list.querySelectorAll("a.template-card")];
  const index = cards.indexOf(document.activeElement);
  if (index < 0) return;
  const next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: cards.length - 1 }[evt.key];
  if (next === undefined) return;
  evt.preventDefault();
  cards[Math.max(0, Math.min(cards.length - 1, next))].focus();
});

search.addEventListener("input", render);
category.addEventListener("change", render);

async function start() {
  const result = await api("GET", "/api/templates");
  if (!result.ok) {
    toast(problemText(result.problem, "The templates could not be loaded; start from a blank workflow."), "error");
  } else {
    templates = result.data.items ?? [];
    category.append(...(result.data.categories ?? []).map(c => h("option", { value: c }, c)));
  }
  render();
  search.focus();
  ready();
}

start();
