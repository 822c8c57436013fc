// Keyboard and toggling for the ARIA tree of the taxonomy browser (WAI-ARIA tree pattern).
// htmx loads a branch's children the first time its toggle is clicked; this file only
// shows and hides branches and moves the focus. Without it, the links still work.
(function () {
  "use strict";
  const tree = document.getElementById("tree");
  if (!tree) return;

  const visibleItems = () =>
    Array.from(tree.querySelectorAll('[role="treeitem"]')).filter(
      (item) => !item.closest('[role="group"][hidden]')
    );
  const groupOf = (item) => item.querySelector(':scope > [role="group"]');
  const parentItem = (item) => item.parentElement.closest('[role="treeitem"]');

  function focus(item) {
    if (!item) return;
    tree.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach((other) => {
      other.tabIndex = -1;
    });
    item.tabIndex = 0;
    item.focus();
  }

  function markExpanded(item, open) {
    item.setAttribute("aria-expanded", String(open));
    groupOf(item).hidden = !open;
    const toggle = item.querySelector(":scope > .tree-row > .toggle");
    if (toggle) toggle.setAttribute("aria-expanded", String(open));
  }

  function setExpanded(item, open) {
    const group = groupOf(item);
    if (!group || item.getAttribute("aria-expanded") === String(open)) return;
    markExpanded(item, open);
    const toggle = item.querySelector(":scope > .tree-row > .toggle");
    // The first opening asks htmx for the children (hx-trigger="click once").
    if (open && toggle && !toggle.dataset.loaded) {
      toggle.dataset.loaded = "yes";
      toggle.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    }
  }

  tree.addEventListener("click", (event) => {
    const toggle = event.target.closest(".toggle");
    const item = event.target.closest('[role="treeitem"]');
    if (!item) return;
    if (toggle && event.isTrusted) {
      toggle.dataset.loaded = "yes";
      markExpanded(item, item.getAttribute("aria-expanded") !== "true");
    } else if (event.target.closest(".concept-link")) {
      setExpanded(item, true); // tapping a name also opens its branch
      tree.querySelectorAll('[aria-current="true"]').forEach((other) => {
        other.removeAttribute("aria-current");
      });
      item.setAttribute("aria-current", "true");
    }
    focus(item);
  });

  // On a phone the details open as a sheet over the tree, where the eye is; its "Back to
  // the tree" closes it and returns to the same item. (Wide screens show both side by side.)
  const panel = document.getElementById("concept-panel");
  const narrow = window.matchMedia("(max-width: 48rem)");
  document.addEventListener("htmx:after:swap", (event) => {
    const ctx = event.detail && event.detail.ctx;
    if (!panel || !ctx || ctx.target !== panel) return;
    const heading = panel.querySelector("h2");
    if (narrow.matches) {
      panel.classList.add("open");
      panel.scrollTop = 0;
    }
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: !narrow.matches });
    }
  });
  if (panel) {
    panel.addEventListener("click", (event) => {
      const close = event.target.closest(".sheet-close");
      if (!close || !panel.classList.contains("open")) return;
      event.preventDefault();
      panel.classList.remove("open");
      const item = tree.querySelector(`[role="treeitem"][data-concept="${CSS.escape(close.dataset.backTo)}"]`);
      if (item) {
        item.scrollIntoView({ block: "center" });
        focus(item);
      }
    });
  }

  tree.addEventListener("keydown", (event) => {
    const item = event.target.closest('[role="treeitem"]');
    if (!item) return;
    const items = visibleItems();
    const index = items.indexOf(item);
    const expanded = item.getAttribute("aria-expanded");
    const rtl = getComputedStyle(tree).direction === "rtl";
    let key = event.key;
    if (rtl && (key === "ArrowLeft" || key === "ArrowRight")) {
      key = key === "ArrowLeft" ? "ArrowRight" : "ArrowLeft"; // inward is leftward in Arabic
    }
    switch (key) {
      case "ArrowDown": focus(items[index + 1]); break;
      case "ArrowUp": focus(items[index - 1]); break;
      case "Home": focus(items[0]); break;
      case "End": focus(items[items.length - 1]); break;
      case "ArrowRight":
        if (expanded === "false") setExpanded(item, true);
        else if (expanded === "true") focus(groupOf(item).querySelector('[role="treeitem"]'));
        break;
      case "ArrowLeft":
        if (expanded === "true") setExpanded(item, false);
        else focus(parentItem(item));
        break;
      case "Enter":
      case " ":
        item.querySelector(":scope > .tree-row > .concept-link").click();
        break;
      default:
        return;
    }
    event.preventDefault();
  });
})();
