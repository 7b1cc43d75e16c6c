// Unsaved edits kept in this browser (localStorage) while the editor types, offered back after the tab was
// closed or the browser crashed. The key names the page and the edit number the form was loaded from
// (seen_edit_version). Restoring only refills the form, with that old edit number: if someone else saved the
// page since, the normal save refuses and shows their changes first (the edit-conflict rule), never overwrites.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const config = document.getElementById("autosave");
  const form = document.querySelector("#content-main form");
  if (!config || !form) return;
  const seen = form.querySelector('[name="seen_edit_version"]');
  const seenRevision = form.querySelector('[name="seen_version"]');
  const prefix = `autosave:${location.pathname}:`;
  const loadedVersion = seen && seen.value ? seen.value : "new";
  const key = prefix + loadedVersion;
  const SKIP = new Set(["csrfmiddlewaretoken", "seen_edit_version", "seen_version"]);
  let timer = null;

  function editors() {
    return Object.entries(window.editors || {}).filter(([id]) => form.querySelector(`#${CSS.escape(id)}`));
  }

  function snapshot() {
    const fields = {};
    for (const element of form.elements) {
      if (!element.name || SKIP.has(element.name) || element.type === "file" || element.type === "submit") continue;
      if (element.type === "button" || element.name.includes("__prefix__")) continue;
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.type === "radio" && !element.checked) continue;
        fields[element.name] = { checked: element.checked, value: element.value };
      } else if (element.tagName === "SELECT") {
        fields[element.name] = { options: Array.from(element.selectedOptions).map((o) => [o.value, o.text]) };
      } else {
        fields[element.name] = { value: element.value };
      }
    }
    for (const [id, editor] of editors()) fields[form.querySelector(`#${CSS.escape(id)}`).name] = { value: editor.getData() };
    return fields;
  }

  const initial = JSON.stringify(snapshot()); // what the server sent: nothing to keep until it differs

  function save() {
    const fields = snapshot();
    if (JSON.stringify(fields) === initial) {
      localStorage.removeItem(key);
      return;
    }
    const revision = seenRevision ? seenRevision.value : "";
    localStorage.setItem(key, JSON.stringify({ version: loadedVersion, revision, savedAt: new Date().toISOString(), fields }));
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  function restore(entry) {
    const { fields } = entry;
    // Rows added before the tab closed: add as many empty rows first, with the admin's own "Add another".
    for (const [name, field] of Object.entries(fields)) {
      const match = name.match(/^(.*)-TOTAL_FORMS$/);
      if (!match) continue;
      const total = form.querySelector(`[name="${CSS.escape(name)}"]`);
      const add = document.querySelector(`#${CSS.escape(match[1])}-group .add-row a`);
      while (total && add && Number(total.value) < Number(field.value)) add.click();
    }
    for (const [name, field] of Object.entries(fields)) {
      const element = form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (!element || name.endsWith("-TOTAL_FORMS")) continue;
      if ("checked" in field) {
        const target = form.querySelector(`[name="${CSS.escape(name)}"][value="${CSS.escape(field.value)}"]`) || element;
        target.checked = field.checked;
      } else if (field.options) {
        for (const [value, text] of field.options) {
          if (!Array.from(element.options).some((o) => o.value === value)) element.append(new Option(text, value));
        }
        const chosen = new Set(field.options.map(([value]) => value));
        Array.from(element.options).forEach((o) => { o.selected = chosen.has(o.value); });
        if (window.django && window.django.jQuery) window.django.jQuery(element).trigger("change");
      } else {
        const editor = window.editors && window.editors[element.id];
        if (editor) editor.setData(field.value);
        else element.value = field.value;
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
    // The edits were made on this edit number: a newer save by someone else is shown on saving.
    if (seen && entry.version !== "new") seen.value = entry.version;
    if (seenRevision && entry.revision) seenRevision.value = entry.revision;
  }

  function offer(storageKey, entry) {
    const prompt = document.createElement("div");
    prompt.className = "autosave-prompt";
    prompt.setAttribute("role", "alert");
    const text = document.createElement("p");
    const when = new Date(entry.savedAt).toLocaleString();
    text.textContent = config.dataset.found.replace("%(when)s", when);
    if (entry.version !== loadedVersion) text.textContent += ` ${config.dataset.newer}`;
    const restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "default";
    restoreButton.textContent = config.dataset.restore;
    const discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.textContent = config.dataset.discard;
    restoreButton.addEventListener("click", () => {
      restore(entry);
      localStorage.removeItem(storageKey);
      prompt.remove();
      save();
    });
    discardButton.addEventListener("click", () => {
      localStorage.removeItem(storageKey);
      prompt.remove();
    });
    prompt.append(text, restoreButton, discardButton);
    form.prepend(prompt);
  }

  // A form sent back with errors already holds the editor's text: keep it, offer nothing.
  const hasErrors = document.querySelector(".errornote");
  const stored = Object.keys(localStorage).filter((name) => name.startsWith(prefix));
  if (!hasErrors && stored.length) {
    const newest = stored
      .map((name) => [name, JSON.parse(localStorage.getItem(name))])
      .sort((a, b) => (a[1].savedAt < b[1].savedAt ? 1 : -1))[0];
    offer(...newest);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("dragend", schedule);
  document.querySelectorAll("textarea.django_ckeditor_5").forEach((textarea) => {
    const listen = (editor) => editor.model.document.on("change:data", schedule);
    if (window.editors && window.editors[textarea.id]) listen(window.editors[textarea.id]);
    else if (window.ckeditorRegisterCallback) window.ckeditorRegisterCallback(textarea.id, listen);
  });
  // Sent to the server: the server now has it (or sends the form back with it, and errors).
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    stored.concat([key]).forEach((name) => localStorage.removeItem(name));
  });
});
