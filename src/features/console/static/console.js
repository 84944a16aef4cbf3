// Vigil console: local times, live inbox (server-sent events) and copy buttons. No framework, no build step.
'use strict';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function age(date) {
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const units = [['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  return relative.format(seconds, 'second');
}

function localizeTimes(root) {
  for (const el of root.querySelectorAll('time[datetime]')) {
    const date = new Date(el.getAttribute('datetime'));
    if (Number.isNaN(date.getTime())) continue;
    el.title = absolute.format(date);
    el.textContent = el.dataset.format === 'absolute' ? absolute.format(date) : age(date);
  }
}

function liveInbox() {
  const table = document.getElementById('inbox-rows');
  const status = document.getElementById('live-status');
  if (!table || !window.EventSource) return;
  let pending = null;
  const refresh = async () => {
    pending = null;
    const response = await fetch(table.dataset.rowsUrl, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    if (!response.ok) return;
    table.innerHTML = await response.text();
    const count = document.getElementById('finding-count');
    const total = response.headers.get('x-total-count');
    if (count && total) count.textContent = total + ' findings';
    const pagerTotal = document.getElementById('pager-total');
    if (pagerTotal && total) pagerTotal.textContent = total;
    localizeTimes(table);
    if (status) status.textContent = 'Live · updated ' + absolute.format(new Date());
  };
  const source = new EventSource('/console/events');
  source.addEventListener('open', () => { if (status && !status.textContent.startsWith('Live')) status.textContent = 'Live'; });
  source.addEventListener('error', () => { if (status) status.textContent = 'Reconnecting…'; });
  source.addEventListener('finding', () => { if (!pending) pending = setTimeout(refresh, 250); });
}

function copyButtons() {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.addEventListener('click', async () => {
      const target = document.getElementById(button.dataset.copy);
      if (!target || !navigator.clipboard) return;
      await navigator.clipboard.writeText(target.textContent);
      button.textContent = 'Copied';
    });
  }
}

function autoSubmit() {
  for (const select of document.querySelectorAll('form[data-autosubmit] select')) {
    select.addEventListener('change', () => select.form.requestSubmit());
  }
}

localizeTimes(document);
liveInbox();
copyButtons();
autoSubmit();
setInterval(() => localizeTimes(document), 30_000);
