// The Playground's one format of times, and the avatars beside names. It imports nothing.

function initials(name) {
  return (name.match(/[A-Za-z0-9]/g) ?? ["?"]).slice(0, 2).join("").toUpperCase();
}

function hue(name) {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

export function avatar(element, name, fromBot) {
  element.textContent = fromBot ? "◆" : initials(name);
  element.style.background = fromBot ? "#1D2125" : `hsl(${hue(name)} 55% 45%)`;
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// The Playground's one format of times: "14:02" today, "3 Dec 14:02" this year, "3 Dec 2025 14:02" otherwise.
export function time(iso, now = new Date()) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso ?? "");
  const clock = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
  if (at.toDateString() === now.toDateString()) return clock;
  const day = `${at.getDate()} ${months[at.getMonth()]}`;
  return at.getFullYear() === now.getFullYear() ? `${day} ${clock}` : `${day} ${at.getFullYear()} ${clock}`;
}

// The full ISO timestamp, for a time's tooltip.
export function fullTime(iso) {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? String(iso ?? "") : at.toISOString();
}
