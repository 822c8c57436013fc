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
