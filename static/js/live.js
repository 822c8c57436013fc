// A vote's countdown ticks between the polls that redraw it ([data-seconds] holds the
// seconds the server counted; a poll replaces it with a fresh count).
setInterval(() => {
  document.querySelectorAll("[data-seconds]").forEach((shown) => {
    const left = Math.max(0, Number(shown.dataset.seconds) - 1);
    shown.dataset.seconds = String(left);
    shown.textContent = left.toLocaleString(document.documentElement.lang);
  });
}, 1000);
