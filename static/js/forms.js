// "Print" buttons (data-print) print the page (the sign-in cards print on their own, see
// app.css @media print); file pickers show the chosen file names in the page's language.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!input.matches || !input.matches("input.file-input")) return;
  const shown = document.querySelector(`[data-file-name-for="${CSS.escape(input.id)}"]`);
  if (shown && input.files.length) {
    shown.textContent = Array.from(input.files, (file) => file.name).join("، ");
  }
});
// The composer's concept picker: a found concept's button fills in the id field it was
// searched for, and Enter in the search box searches instead of sending the whole form.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-pick]");
  if (!button) return;
  const form = button.closest("form");
  const input = form && form.elements.namedItem(button.dataset.pickFor);
  if (!input) return;
  input.value = button.dataset.pick;
  const list = button.closest(".picks");
  if (list) list.replaceChildren();
  input.focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches && event.target.matches("input[data-picker]")) {
    event.preventDefault();
  }
});
