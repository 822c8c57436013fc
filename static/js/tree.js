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

  function setExpanded(item, open) {
    const group = groupOf(item);
    if (!group || item.getAttribute("aria-expanded") === String(open)) return;
    item.setAttribute("aria-expanded", String(open));
    group.hidden = !open;
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
      const open = item.getAttribute("aria-expanded") !== "true";
      item.setAttribute("aria-expanded", String(open));
      groupOf(item).hidden = !open;
    }
    focus(item);
  });

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
