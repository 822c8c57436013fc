// "Print" buttons (data-print): the sign-in cards print on their own (see app.css @media print).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
