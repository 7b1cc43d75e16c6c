// "Link to a page…" and "Cite an article…" under each rich-text editor (conditions/admin/links.py).
// The link is stored as /go/<kind>/<id>/ (conditions/links.py), so it keeps working when the page's address
// changes; a citation is the [cite:slug] token the public page turns into a numbered reference.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const dialog = document.getElementById("page-chooser");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const heading = dialog.querySelector("h2");
  const search = dialog.querySelector("#page-chooser-q");
  const kind = dialog.querySelector("#page-chooser-kind");
  const status = dialog.querySelector(".page-chooser-status");
  const list = dialog.querySelector(".page-chooser-results");
  let target = null; // {editor, mode: "link" | "cite"}
  let timer = null;
  let latest = 0;

  async function find() {
    const request = ++latest;
    const query = search.value.trim();
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    const params = new URLSearchParams({ q: query, kind: target.mode === "cite" ? "article" : kind.value });
    const response = await fetch(`${dialog.dataset.url}?${params}`, { credentials: "same-origin" });
    if (!response.ok || request !== latest) return;
    const { results } = await response.json();
    if (request !== latest) return;
    list.replaceChildren(...results.map(option));
    status.textContent = results.length ? "" : dialog.dataset.none;
  }

  function option(result) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    const title = document.createElement("span");
    const detail = document.createElement("span");
    button.type = "button";
    title.className = "page-chooser-title";
    title.textContent = result.title;
    detail.className = "page-chooser-detail";
    detail.textContent = result.detail;
    button.append(title, detail);
    button.addEventListener("click", () => choose(result));
    item.append(button);
    return item;
  }

  function choose(result) {
    const { editor, mode } = target;
    dialog.close();
    editor.editing.view.focus();
    if (mode === "cite") {
      editor.model.change((writer) => editor.model.insertContent(writer.createText(`[cite:${result.slug}]`)));
    } else if (editor.model.document.selection.isCollapsed) {
      // Nothing selected: the page's name becomes the link text.
      editor.model.change((writer) =>
        editor.model.insertContent(writer.createText(result.title, { linkHref: result.url }))
      );
    } else {
      editor.execute("link", result.url);
    }
  }

  function open(editor, mode) {
    target = { editor, mode };
    heading.textContent = mode === "cite" ? dialog.dataset.citeTitle : dialog.dataset.linkTitle;
    kind.closest("p").querySelectorAll("label[for=page-chooser-kind], select").forEach((element) => {
      element.hidden = mode === "cite";
    });
    search.value = "";
    list.replaceChildren();
    status.textContent = "";
    dialog.showModal();
    search.focus();
  }

  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(find, 250);
  });
  kind.addEventListener("change", find);
  // Enter in the search box picks nothing: it would close the dialog form.
  search.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });

  function addTools(textarea, editor) {
    const tools = document.createElement("div");
    tools.className = "rich-text-tools";
    for (const [mode, label] of [["link", dialog.dataset.linkButton], ["cite", dialog.dataset.citeButton]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `rich-text-${mode}`;
      button.textContent = label;
      button.addEventListener("click", () => open(editor, mode));
      tools.append(button);
    }
    editor.ui.element.after(tools);
  }

  document.querySelectorAll("textarea.django_ckeditor_5").forEach((textarea) => {
    const ready = (editor) => { if (!editor.isReadOnly) addTools(textarea, editor); };
    if (window.editors && window.editors[textarea.id]) ready(window.editors[textarea.id]);
    else if (window.ckeditorRegisterCallback) window.ckeditorRegisterCallback(textarea.id, ready);
  });
});
