// The live preview and readability beside the change form (conditions/admin/preview.py). A moment after the
// editor stops typing, the whole form is posted; the answer is the public page (shown in a sandboxed frame)
// and the readability panel. Nothing is saved. Answers that arrive after a newer request are dropped.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const aside = document.getElementById("live-preview");
  if (!aside) return;
  const form = document.querySelector("#content-main form");
  const layout = aside.closest(".editor-layout");
  const toggle = document.querySelector(".live-preview-toggle");
  const frame = aside.querySelector("iframe");
  const state = aside.querySelector(".live-preview-state");
  const panels = [aside.querySelector(".live-readability-result"), document.querySelector(".field-readability .readonly")];
  const DELAY_MS = 700;
  const STORAGE_KEY = "live-preview-open";
  let timer = null;
  let latest = 0;
  let inFlight = null;

  function postedData() {
    const data = new FormData(form);
    for (const [name, value] of Array.from(data.entries())) {
      if (value instanceof File) data.delete(name); // never upload an image just to preview it
    }
    return data;
  }

  async function refresh() {
    const request = ++latest;
    state.textContent = aside.dataset.updating;
    inFlight = new AbortController();
    try {
      const response = await fetch(aside.dataset.url, {
        method: "POST", body: postedData(), credentials: "same-origin", signal: inFlight.signal,
      });
      if (!response.ok) throw new Error(String(response.status));
      const result = await response.json();
      if (request !== latest) return;
      const scroll = frame.contentWindow ? frame.contentWindow.scrollY : 0;
      frame.addEventListener("load", () => frame.contentWindow.scrollTo(0, scroll), { once: true });
      frame.srcdoc = result.html;
      panels.forEach((panel) => { if (panel) panel.innerHTML = result.readability; });
      state.textContent = "";
    } catch (error) {
      if (request === latest) state.textContent = aside.dataset.failed;
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  }

  function show(open) {
    aside.hidden = !open;
    layout.classList.toggle("with-preview", open);
    if (toggle) toggle.setAttribute("aria-pressed", String(open));
    localStorage.setItem(STORAGE_KEY, open ? "1" : "0");
  }

  // Saving: no more previews of a form that is on its way to the server.
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    if (inFlight) inFlight.abort();
  });
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("dragend", schedule); // rows reordered by dragging (adminsortable2)
  // CKEditor 5 changes its hidden textarea without an input event: listen to each editor's model.
  document.querySelectorAll("textarea.django_ckeditor_5").forEach((textarea) => {
    const listen = (editor) => editor.model.document.on("change:data", schedule);
    if (window.editors && window.editors[textarea.id]) listen(window.editors[textarea.id]);
    else if (window.ckeditorRegisterCallback) window.ckeditorRegisterCallback(textarea.id, listen);
  });
  // Inline rows added, removed or reordered by the admin's own scripts.
  document.addEventListener("formset:added", schedule);
  document.addEventListener("formset:removed", schedule);

  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      show(aside.hidden);
      if (!aside.hidden) refresh();
    });
  }
  const stored = localStorage.getItem(STORAGE_KEY);
  show(stored === null ? window.innerWidth >= 1600 : stored === "1");
  if (!aside.hidden) refresh();
});
