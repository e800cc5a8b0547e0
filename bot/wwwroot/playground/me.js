// Who is speaking: the person signed in with the host's provider (/playground/api/me), else a display name picked in
// the name dialog and kept in the browser; the sidebar's footer shows it. The dialog opens on event "name.needed".
import { Api, NameKey, UserPattern, showError, state, ui, writeStored } from "./state.js";
import { emit, on } from "./events.js";
import { avatar } from "./format.js";

/** Wires the name dialog and the footer's Change button. */
export function initMe() {
  ui.nameForm.addEventListener("submit", confirmName);
  ui.nameChange.addEventListener("click", openNamePicker);
  ui.nameCancel.addEventListener("click", () => { ui.namePicker.hidden = true; });
  on("name.needed", openNamePicker);
}

export function openNamePicker() {
  ui.nameInput.value = state.user ?? "";
  ui.nameError.hidden = true;
  ui.nameCancel.hidden = !state.user;
  ui.namePicker.hidden = false;
  ui.nameInput.focus();
  ui.nameInput.select();
}

function confirmName(event) {
  event.preventDefault();
  const name = ui.nameInput.value.trim();
  if (!UserPattern.test(name)) {
    showError(ui.nameError, "Use 1 to 40 letters, digits, dots, dashes or underscores, e.g. ada or ada.lovelace.");
    return;
  }
  state.user = name;
  writeStored(NameKey, name);
  ui.namePicker.hidden = true;
  renderMe();
  emit("name.chosen");
}

export function renderMe() {
  ui.meName.textContent = state.user ?? "Pick a name";
  ui.meName.title = state.signedIn ? `Signed in as ${state.identity}` : state.user ? `Approvers know you as playground:${state.user}` : "";
  ui.nameChange.hidden = state.signedIn;
  avatar(ui.meAvatar, state.user ?? "?", false);
}

// Signed in, the host speaks for the person; the picked display name is only for trying things without sign-in.
export async function whoAmI() {
  try {
    const response = await fetch(`${Api}/me`);
    const me = response.ok ? await response.json() : null;
    if (me?.signedIn) {
      state.signedIn = true;
      state.user = me.name;
      state.identity = me.id;
    }
  } catch {
    // The display name picked before still works.
  }
}
