// The change form in tabs (WAI-ARIA tabs pattern). The admin declares the tabs (#form-tabs, json_script);
// each fieldset or inline with the class `tab-<id>` goes into that tab's panel. Runs before CKEditor starts
// (DOMContentLoaded), so the editors are created where they will stay. Without JavaScript: plain fieldsets.
(function () {
  "use strict";
  const data = document.getElementById("form-tabs");
  if (!data) return;
  const tabs = JSON.parse(data.textContent);
  if (!tabs.length) return;
  const form = document.querySelector("#content-main form");
  const members = (id) => Array.from(form.querySelectorAll(`.tab-${id}`)).map(
    (element) => element.closest(".inline-group") || element
  );
  const first = members(tabs[0].id)[0];
  if (!first) return;

  const tablist = document.createElement("div");
  tablist.className = "form-tabs";
  tablist.setAttribute("role", "tablist");
  tablist.setAttribute("aria-label", data.dataset.label || "Form sections");
  first.before(tablist);
  let anchor = tablist;
  const buttons = [];
  const panels = [];
  for (const tab of tabs) {
    const elements = members(tab.id);
    if (!elements.length) continue;
    const button = document.createElement("button");
    const panel = document.createElement("div");
    button.type = "button";
    button.id = `tab-${tab.id}`;
    button.textContent = tab.label;
    button.setAttribute("role", "tab");
    button.setAttribute("aria-controls", `tabpanel-${tab.id}`);
    panel.id = `tabpanel-${tab.id}`;
    panel.className = "form-tab-panel";
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", button.id);
    panel.tabIndex = 0;
    elements.forEach((element) => panel.append(element));
    if (panel.querySelector(".errorlist, .errors")) {
      button.classList.add("has-errors");
      button.dataset.errors = "true";
    }
    anchor.after(panel);
    anchor = panel;
    tablist.append(button);
    buttons.push(button);
    panels.push(panel);
  }

  const storageKey = `form-tab:${location.pathname}`;

  function select(index, focus) {
    buttons.forEach((button, i) => {
      const selected = i === index;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
      panels[i].hidden = !selected;
    });
    if (focus) buttons[index].focus();
    // Back on the same tab after "Save draft" reloads the form (not in the address: it would follow redirects).
    sessionStorage.setItem(storageKey, buttons[index].id);
  }

  buttons.forEach((button, index) => {
    button.addEventListener("click", () => select(index, false));
    button.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select((moves[event.key] + buttons.length) % buttons.length, true);
    });
  });

  // Each section is a collapsed <details>; open the first, so the Sections tab never opens empty-looking.
  panels.forEach((panel) => {
    const details = panel.querySelectorAll("details");
    if (details.length && !panel.querySelector("details[open]")) details[0].open = true;
  });

  const stored = buttons.findIndex((button) => button.id === sessionStorage.getItem(storageKey));
  const withErrors = buttons.findIndex((button) => button.dataset.errors);
  select(withErrors >= 0 ? withErrors : Math.max(stored, 0), false);
})();
