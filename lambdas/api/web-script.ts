/**
 * The form page's one script, inline and allowed by its hash in the CSP (no other script runs).
 * The page works without it; with it:
 * - the time zone defaults to the browser's when it is blank (posted as a guess too, which an
 *   invite's zone replaces);
 * - the preview follows the fields as they change: each change posts the form (without the
 *   invite's file) to `POST /preview` and shows the answer, one request at a time (a change made
 *   meanwhile goes when it returns, so the last state always shows); a failed one (the route's
 *   throttle, say) marks the preview as not up to date;
 * - choosing an invite, or dropping one on its box, fills the form in at once (the same
 *   "Fill in from the invite" post as without JavaScript).
 * Kept as a string of plain browser JavaScript (no build step, no framework): it is these lines.
 */
export const WEB_SCRIPT = `(function () {
  var form = document.getElementById('request');
  var preview = document.getElementById('preview');
  if (!form || !preview || !window.fetch || !window.FormData) return;
  var zone = form.elements['interview.timeZone'];
  try {
    if (zone && !zone.value) {
      zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
      // Said to be a guess, so that an invite's own zone still wins over it (web-invite.ts).
      var guessed = document.createElement('input');
      guessed.type = 'hidden';
      guessed.name = 'timeZoneGuess';
      guessed.value = zone.value;
      form.appendChild(guessed);
    }
  } catch (e) {}
  // One request at a time: a change made while one is out is sent, as the form then is, when it
  // returns. So a slow answer never queues a request per keystroke, and the last state always goes.
  var busy = false;
  var again = false;
  var shown = 0;
  function stale() {
    if (preview.querySelector('[data-stale]')) return;
    var note = document.createElement('p');
    note.className = 'note';
    note.setAttribute('role', 'status');
    note.setAttribute('data-stale', '');
    note.textContent = 'The preview could not be updated just now: it shows the form as it was. It updates with your next change.';
    preview.insertBefore(note, preview.firstChild);
  }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    again = false;
    var data = new FormData(form);
    data.delete('invite');
    var started = performance.now();
    fetch('/preview', { method: 'POST', body: data, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        preview.innerHTML = html;
        shown += 1;
        preview.setAttribute('data-updates', String(shown));
        preview.setAttribute('data-ms', String(Math.round(performance.now() - started)));
      }, stale)
      .then(function () {
        busy = false;
        if (again) refresh();
      });
  }
  // The preview follows the fields: its button (for a page without JavaScript) is not needed.
  var button = form.querySelector('button[name=preview]');
  if (button) button.hidden = true;
  form.addEventListener('input', function (e) {
    var type = e.target && e.target.type;
    if (type !== 'file' && type !== 'checkbox') refresh();
  });
  form.addEventListener('change', function (e) { if (e.target && e.target.type === 'checkbox') refresh(); });
  var invite = form.elements.invite;
  var fill = form.querySelector('button[name=fill]');
  var drop = document.getElementById('invite-drop');
  function fillIn() { if (fill && form.requestSubmit) form.requestSubmit(fill); else if (fill) fill.click(); }
  if (invite && fill) {
    invite.addEventListener('change', function () { if (invite.files && invite.files.length) fillIn(); });
    if (drop) {
      var hint = document.getElementById('f-invite-hint');
      if (hint) hint.textContent += ' You can also drop it on this box.';
      drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('drop'); });
      drop.addEventListener('dragleave', function () { drop.classList.remove('drop'); });
      drop.addEventListener('drop', function (e) {
        e.preventDefault();
        drop.classList.remove('drop');
        if (!e.dataTransfer || !e.dataTransfer.files.length) return;
        invite.files = e.dataTransfer.files;
        fillIn();
      });
    }
  }
  refresh();
})();`;
