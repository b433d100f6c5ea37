// The dashboard's behaviour: tabs drawn from the JSON API (docs/http.md, docs/openapi.yaml; every key
// snake_case), polled every 2 s, and the live log from the server-sent events of /api/events. Plain
// browser JavaScript, no framework and no build step: the file is embedded in the binary as it is.
const tabs = {Devices: devices, DHCP: leases, TFTP: transfers, Log: log, Syslog: syslog};
let current = 'Devices', shown = '', paused = false, filter = '', dirty = false;
// A first visit with ?token= also sets the login cookie; the query stays as a fallback.
const q = new URLSearchParams(location.search).get('token');
const withToken = p => p + (q ? (p.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(q) : '');
const api = p => fetch(withToken(p)).then(r => { if (!r.ok) throw new Error(r.status); return r.json(); });
// Text from the wire (hostnames, file names, syslog text) as inert HTML: markup characters as entities, and
// control and direction characters shown as the log shows them (\n, \u{1B}), so a newline cannot forge a
// line in a <pre> nor a U+202E reorder a cell (issue 14, docs/security.md).
const esc = s => String(s ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g,
  c => ({'\n': '\\n', '\r': '\\r', '\t': '\\t'}[c] ?? '\\u{' + c.charCodeAt(0).toString(16).toUpperCase() + '}'))
  .replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const sev = s => ['error', 'critical', 'err', 'crit', 'alert', 'emerg'].includes(s) ? 'bad' : s === 'warning' ? 'warn' : '';
// The live log: server-sent events, kept in a bounded buffer; rendered at most twice a second.
const lines = [];
const source = new EventSource(withToken('/api/events'));
source.onmessage = m => { try { lines.push(JSON.parse(m.data)); } catch (e) {} if (lines.length > 2000) lines.splice(0, lines.length - 2000); dirty = true; };
// Every (re)connection starts with the server's recent history: start the buffer afresh, no duplicates.
source.onopen = () => { lines.length = 0; };
source.onerror = () => { document.getElementById('status').textContent = 'live log disconnected, retrying'; };
setInterval(() => { if (dirty && current === 'Log' && !paused) { dirty = false; refresh(); } }, 500);
function nav() {
  document.getElementById('tabs').innerHTML = Object.keys(tabs).map(t =>
    `<button class="${t === current ? 'on' : ''}" onclick="current='${t}';document.getElementById('detail').innerHTML='';nav();refresh(true)">${t}</button>`).join('');
}
// The site view (issue 18): the last minutes of /api/activity as three line charts, drawn as inline SVG.
const num = v => Number.isInteger(v) || v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
function chart(id, title, values, unit, colour) {
  const w = 300, h = 56, max = Math.max(...values, 1e-9), last = values.length ? values[values.length - 1] : 0;
  const x = i => (values.length > 1 ? i / (values.length - 1) * w : w).toFixed(1), y = v => (h - 2 - v / max * (h - 6)).toFixed(1);
  const line = values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
  return `<figure class="chart" id="${id}"><figcaption>${title}: <b>${num(last)}</b> ${unit} <span class="muted">max ${num(max === 1e-9 ? 0 : max)}</span></figcaption>` +
    `<svg viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" aria-label="${title}"><polyline points="${line}" fill="none" stroke="${colour}" stroke-width="1.5" vector-effect="non-scaling-stroke"/></svg></figure>`;
}
async function site() {
  const a = await api('/api/activity'), s = a.samples;
  const span = s.length ? Math.round(s.length * a.interval_s / 60 * 10) / 10 : 0;
  return `<section id="site"><p class="muted">The last ${span} min, every ${a.interval_s} s</p>` +
    chart('chart-dhcp', 'DHCP replies', s.map(x => x.dhcp_per_s), '/s', '#3c7be0') +
    chart('chart-tftp', 'TFTP', s.map(x => x.tftp_mb_per_s), 'MB/s', '#1b7a3a') +
    chart('chart-transfers', 'Active transfers', s.map(x => x.active_transfers), '', '#8a5a00') + `</section>`;
}
// A device's provisioning progress: ladder step k of n, and the file it fetches now with its bytes.
function progress(p) {
  if (!p) return '';
  const step = p.step ? `step ${p.step} of ${p.steps}` : '';
  const pct = p.size ? Math.min(100, Math.round(100 * p.bytes / p.size)) : null;
  const file = p.file ? `<br><span class="muted">${esc(p.file)}</span> ${pct === null ? p.bytes + ' B' : `<div class="bar small"><div class="progress" style="width:${pct}%"></div></div> ${pct}%`}` : '';
  return step + file;
}
async function devices() {
  const [list, view] = await Promise.all([api('/api/devices'), site()]);
  // Devices with an error first, then warnings: what needs a look is at the top.
  const worst = d => d.findings.some(f => f.severity === 'error') ? 0 : d.findings.some(f => f.severity === 'warning') ? 1 : 2;
  list.sort((a, b) => worst(a) - worst(b));
  const count = n => list.filter(d => worst(d) === n).length;
  return view + `<p id="summary">${list.length} devices · <span class="${count(0) ? 'bad' : 'muted'}">${count(0)} with errors</span> · ` +
    `<span class="${count(1) ? 'warn' : 'muted'}">${count(1)} with warnings</span></p><table id="devices"><tr><th>MAC</th><th>IP</th><th>Phase</th><th>Progress</th><th>Load</th><th>Findings</th><th>Model</th><th>Last seen</th></tr>` +
    list.map(d => `<tr onclick="detail('${d.mac}')" style="cursor:pointer"><td>${esc(d.mac)}</td><td>${esc(d.ip)}</td><td>${esc(d.phase)}</td><td class="progress-cell">${progress(d.progress)}</td>` +
      `<td>${esc(d.load)}</td><td>${d.findings.map(f => `<span class="${f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : 'muted'}">${esc(f.title)}</span>`).join('<br>') || '<span class="ok">ok</span>'}${(d.learned || []).map(l => `<br><span class="muted" title="${esc(l.evidence)}">learned: ${esc(l.description)}</span>`).join('')}</td>` +
      `<td>${esc(d.model)}</td><td class="muted">${esc(d.last_seen)}</td></tr>`).join('') + `</table>`;
}
// A device's timeline as lanes (issue 18): DHCP, file transfers (TFTP and HTTP), reboots and the upgrade
// ladder, syslog; one mark per event at its time, red for errors and amber for warnings, the name on hover.
// A reboot is a DHCP exchange starting again (an OFFER) after an ACK.
function lanes(timeline) {
  const names = ['DHCP', 'TFTP/HTTP', 'reboot / ladder', 'syslog'], events = timeline.slice().reverse();
  const marks = [];
  let acked = false;
  for (const e of events) {
    const t = Date.parse(e.time), n = e.name;
    if (n.startsWith('dhcp.')) {
      if (n === 'dhcp.offer.sent' && acked) { marks.push({t, lane: 2, e, reboot: true}); acked = false; }
      if (n === 'dhcp.ack.sent') acked = true;
      marks.push({t, lane: 0, e});
    } else if (n.startsWith('tftp.') || n.startsWith('http.')) marks.push({t, lane: 1, e});
    else if (n.startsWith('phone.')) marks.push({t, lane: 2, e});
    else if (n.startsWith('syslog.')) marks.push({t, lane: 3, e});
  }
  if (!marks.length) return '';
  const w = 640, lh = 22, left = 110, t0 = Math.min(...marks.map(m => m.t)), t1 = Math.max(...marks.map(m => m.t), t0 + 1000);
  const x = t => (left + (t - t0) / (t1 - t0) * (w - left - 8)).toFixed(1);
  const colour = m => m.reboot ? '#6b7385' : ['error', 'critical'].includes(m.e.level) ? '#b3261e' : ['warning', 'notice'].includes(m.e.level) ? '#8a5a00' : ['#3c7be0', '#1b7a3a', '#7a3cb0', '#6b7385'][m.lane];
  return `<svg id="lanes" viewBox="0 0 ${w} ${lh * names.length + 18}" role="img" aria-label="timeline lanes">` +
    names.map((name, i) => `<text x="4" y="${i * lh + 15}" class="lane">${name}</text><line x1="${left}" x2="${w - 4}" y1="${i * lh + 11}" y2="${i * lh + 11}" stroke="#e7e9ee"/>`).join('') +
    marks.map(m => `<circle class="mark lane${m.lane}" cx="${x(m.t)}" cy="${m.lane * lh + 11}" r="${m.reboot ? 5 : 3.5}" fill="${colour(m)}"${m.reboot ? ' fill-opacity="0.35"' : ''}><title>${esc(m.reboot ? 'reboot' : m.e.name)} ${esc(m.e.time)}</title></circle>`).join('') +
    `<text x="${left}" y="${lh * names.length + 14}" class="lane">${esc(new Date(t0).toLocaleTimeString())}</text><text x="${w - 4}" y="${lh * names.length + 14}" class="lane" text-anchor="end">${esc(new Date(t1).toLocaleTimeString())}</text></svg>`;
}
async function detail(mac) {
  const d = await api('/api/devices/' + mac);
  document.getElementById('detail').innerHTML = `<h3>${esc(d.mac)} <span class="muted">${esc(d.vendor_class)}</span></h3>` +
    (d.progress ? `<p id="device-progress">${progress(d.progress)}</p>` : '') + lanes(d.timeline) +
    (d.learned || []).map(l => `<p class="muted">learned: ${esc(l.description)} since ${esc(l.since)} (${esc(l.evidence)}); <code>dialtone forget ${esc(d.mac)}</code> undoes it</p>`).join('') +
    d.findings.map(f => `<p class="${f.severity === 'error' ? 'bad' : 'warn'}">${esc(f.title)}</p><pre>${f.evidence.map(esc).join('\n')}${(f.causes || []).map((c, i) => `\nlikely cause ${i + 1}: ${esc(c.cause)}\n  because ${esc(c.evidence)}`).join('')}\n→ ${esc(f.action)}</pre>`).join('') +
    `<table><tr><th>Time</th><th>Event</th><th>Details</th></tr>` + d.timeline.map(e =>
      `<tr><td class="muted">${esc(e.time)}</td><td>${esc(e.name)}${e.server ? ' <span class="muted">[' + esc(e.server) + ']</span>' : ''}</td><td>${esc(Object.entries(e.metadata).map(([k, v]) => k + '=' + v).join(' '))}</td></tr>`).join('') + `</table>`;
}
async function leases() {
  const [pools, list] = await Promise.all([api('/api/pools'), api('/api/leases')]);
  return `<table id="pools"><tr><th>Subnet</th><th>Pool usage</th><th>Used / size</th></tr>` + pools.map(p => { const pct = p.size ? Math.round(100 * p.used / p.size) : 0;
      return `<tr><td>${esc(p.subnet)}</td><td><div class="bar"><div style="width:${pct}%;${pct > 90 ? 'background:#b3261e' : ''}"></div></div> ${pct}%</td><td>${p.used} / ${p.size}</td></tr>`; }).join('') + `</table><h3>Leases</h3>` +
    `<table id="leases"><tr><th>IP</th><th>MAC</th><th>State</th><th>Expires</th><th>Hostname</th></tr>` +
    list.map(l => `<tr><td>${esc(l.ip)}</td><td>${esc(l.mac)}</td><td>${esc(l.state)}</td><td class="muted">${esc(l.expires)}</td><td>${esc(l.hostname)}</td></tr>`).join('') + `</table>`;
}
async function transfers() {
  const t = await api('/api/transfers');
  const row = x => { const pct = x.size ? Math.min(100, Math.round(100 * x.bytes / x.size)) : 0;
    return `<tr><td>${esc(x.client)}</td><td>${esc(x.file)}</td><td><div class="bar"><div class="progress" style="width:${pct}%"></div></div> ${pct}%</td>` +
      `<td>${x.bytes}/${x.size ?? '?'}</td><td>${x.block_size ? `${x.block_size}/${x.window_size}` : 'HTTP'}</td><td class="${x.state === 'failed' ? 'bad' : ''}">${esc(x.state)} ${esc(x.detail)}</td></tr>`; };
  return `<h3>Active</h3><table id="active"><tr><th>Client</th><th>File</th><th>Progress</th><th>Bytes</th><th>blksize/window</th><th>State</th></tr>${t.active.map(row).join('')}</table>` +
    `<h3>Recent</h3><table id="recent"><tr><th>Client</th><th>File</th><th>Progress</th><th>Bytes</th><th>blksize/window</th><th>State</th></tr>${t.recent.slice().reverse().map(row).join('')}</table>`;
}
const matches = e => !filter || JSON.stringify(e).toLowerCase().includes(filter.toLowerCase());
function controls(what) {
  return `<p><input id="filter" placeholder="filter ${what} (MAC, file, event, text...)" value="${esc(filter)}" oninput="filter=this.value;refresh(true)"> ` +
    `<label><input type="checkbox" id="pause" ${paused ? 'checked' : ''} onchange="paused=this.checked;refresh(true)"> pause</label></p>`;
}
async function log() {
  const shown = lines.filter(matches).slice(-300).reverse();
  return controls('the live log') + `<table id="log"><tr><th>Time</th><th>Level</th><th>Event</th><th>Details</th></tr>` + shown.map(e => {
    const rest = Object.entries(e).filter(([k]) => !['time', 'level', 'event', 'message', 'logger'].includes(k)).map(([k, v]) => k + '=' + v).join(' ');
    return `<tr><td class="muted">${esc(e.time)}</td><td class="${sev(e.level)}">${esc(e.level)}</td><td>${esc(e.event ?? e.message)}</td><td>${esc(rest)}</td></tr>`; }).join('') + `</table>`;
}
async function syslog() {
  const list = (await api('/api/syslog?limit=300')).filter(matches);
  return controls('syslog') + `<table id="syslog"><tr><th>Time</th><th>Device</th><th>From</th><th>Severity</th><th>App</th><th>Message</th></tr>` +
    list.map(m => `<tr><td class="muted">${esc(m.time)}</td><td>${esc(m.mac)}</td><td>${esc(m.source)}</td><td class="${sev(m.severity)}">${esc(m.severity)}</td><td>${esc(m.app)}</td><td>${esc(m.text)}</td></tr>`).join('') + `</table>`;
}
let busy = false, drawn = 0;
async function refresh(force) {
  // One request at a time: a slow answer (a big site's first Devices poll) must not pile up polls.
  if (busy && !force) return;
  busy = true;
  try { await draw(force); } finally { busy = false; }
}
async function draw(force) {
  // Paused: the Log and Syslog views stay as they are (a filter edit still redraws them).
  const focused = document.activeElement && document.activeElement.id === 'filter';
  if (paused && !force && shown === current && (current === 'Log' || current === 'Syslog')) return;
  // Only the newest draw may paint: an older one finishing late (a slow poll) must not undo a filter,
  // a pause or a tab change made meanwhile.
  const seq = ++drawn;
  try { const tab = current, html = await tabs[tab](); if (seq !== drawn || tab !== current) return;
    document.getElementById('view').innerHTML = html; shown = tab; document.getElementById('status').textContent = 'updated ' + new Date().toLocaleTimeString();
    if (focused) { const f = document.getElementById('filter'); f.focus(); f.setSelectionRange(f.value.length, f.value.length); } }
  catch (e) { document.getElementById('status').textContent = 'API error ' + e.message; }
}
nav(); refresh(); setInterval(refresh, 2000);
