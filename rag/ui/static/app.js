// Runs once when the page loads (rag/ui/app.py gives this file to Gradio as `js`).
// Clicking an [n] marker brings its source card into view, opening folded earlier turns.
() => {
  if (window.__ragCites) { return; }
  window.__ragCites = true;
  document.addEventListener('click', (event) => {
    const link = event.target && event.target.closest ? event.target.closest('a.rag-cite') : null;
    if (!link) { return; }
    const id = (link.getAttribute('href') || '').replace(/^#/, '');
    if (!/^(src|close)-\d+-\d+$/.test(id)) { return; }
    event.preventDefault();
    event.stopPropagation();
    const card = document.getElementById(id);
    if (!card) { return; }
    for (let d = card.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
      d.open = true;
    }
    document.querySelectorAll('.rag-source.rag-active').forEach((c) => c.classList.remove('rag-active'));
    card.classList.add('rag-active', 'rag-flash');
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    setTimeout(() => card.classList.remove('rag-flash'), 1600);
  }, true);
}
