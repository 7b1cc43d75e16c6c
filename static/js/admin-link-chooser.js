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
  let target = null; // {editor, mode: "link" | "cite"} or {row, mode: "row"}
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
    const fixedKind = { cite: "article", row: target.row && target.row.kind }[target.mode];
    const params = new URLSearchParams({ q: query, kind: fixedKind || kind.value });
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
    if (mode === "row") {
      addRow(target.row, result);
      return;
    }
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

  // A new inline row with its page chosen: the admin's own "Add another" link, then the row's select.
  function addRow(row, result) {
    const group = document.getElementById(`${row.prefix}-group`);
    group.querySelector(".add-row a").click();
    const rows = group.querySelectorAll(`.dynamic-${row.prefix}`);
    const select = rows[rows.length - 1].querySelector(`select[name$="-${row.field}"]`);
    const label = result.kind === "article" && result.detail ? `${result.title} (${result.detail})` : result.title;
    select.append(new Option(label, result.pk, true, true));
    window.django.jQuery(select).trigger("change"); // select2 shows the choice
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function open(editor, mode, row, title) {
    target = { editor, mode, row };
    heading.textContent = title || (mode === "cite" ? dialog.dataset.citeTitle : dialog.dataset.linkTitle);
    kind.closest("p").querySelectorAll("label[for=page-chooser-kind], select").forEach((element) => {
      element.hidden = mode !== "link";
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

  const rowChoosers = JSON.parse((document.getElementById("row-choosers") || {}).textContent || "[]");
  rowChoosers.forEach((row) => {
    const group = document.getElementById(`${row.prefix}-group`);
    if (!group) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "add-row-chooser";
    button.textContent = row.label;
    button.addEventListener("click", () => open(null, "row", row, row.label.replace(/…$/, "")));
    group.querySelector("fieldset").after(button);
  });

  document.querySelectorAll("textarea.django_ckeditor_5").forEach((textarea) => {
    const ready = (editor) => { if (!editor.isReadOnly) addTools(textarea, editor); };
    if (window.editors && window.editors[textarea.id]) ready(window.editors[textarea.id]);
    else if (window.ckeditorRegisterCallback) window.ckeditorRegisterCallback(textarea.id, ready);
  });
});
