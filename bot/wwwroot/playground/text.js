// Markdown-ish text as HTML, always escaped first: ``` blocks, - lists, line breaks, `code`, links (Markdown, Slack's
// <url|label> and bare), *bold*, _italic_ and ~strike~. Nothing from the text is trusted. It imports nothing.

export function escapeHtml(text) {
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
export function markdown(text) {
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
