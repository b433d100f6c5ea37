/// The dashboard: one self-contained page (no build step, no CDN), polling the JSON API every two seconds.
/// Tabs follow Tftpd32's users: Devices, DHCP, TFTP. Works on a laptop and a phone screen.
enum Dashboard {
    static let html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Dialtone</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
        header{background:#1d2330;color:#fff;padding:10px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
        header h1{font-size:17px;margin:0}
        nav button{background:none;border:0;color:#c9d1e0;font:inherit;padding:6px 10px;cursor:pointer;border-radius:4px}
        nav button.on{background:#3b4560;color:#fff}
        main{padding:12px 16px}
        table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0001}
        th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e7e9ee;vertical-align:top}
        th{font-weight:600;background:#eef0f4}
        .bad{color:#b3261e;font-weight:600}.warn{color:#8a5a00}.ok{color:#1b7a3a}
        .bar{background:#e7e9ee;border-radius:3px;height:10px;min-width:120px}.bar>div{background:#3c7be0;height:10px;border-radius:3px}
        .muted{color:#6b7385}#detail{margin-top:12px}pre{white-space:pre-wrap}
        @media(max-width:700px){td:nth-child(n+5),th:nth-child(n+5){display:none}}
        </style></head><body>
        <header><h1>Dialtone</h1><nav id="tabs"></nav><span class="muted" id="status"></span></header>
        <main><div id="view"></div><div id="detail"></div></main>
        <script>
        const tabs = {Devices: devices, DHCP: leases, TFTP: transfers};
        let current = 'Devices';
        const q = new URLSearchParams(location.search).get('token');
        const api = p => fetch(p + (q ? '?token=' + encodeURIComponent(q) : '')).then(r => { if (!r.ok) throw new Error(r.status); return r.json(); });
        const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
        function nav() {
          document.getElementById('tabs').innerHTML = Object.keys(tabs).map(t =>
            `<button class="${t === current ? 'on' : ''}" onclick="current='${t}';nav();refresh()">${t}</button>`).join('');
        }
        async function devices() {
          const list = await api('/api/devices');
          return `<table id="devices"><tr><th>MAC</th><th>IP</th><th>Phase</th><th>Load</th><th>Findings</th><th>Model</th><th>Last seen</th></tr>` +
            list.map(d => `<tr onclick="detail('${d.mac}')" style="cursor:pointer"><td>${esc(d.mac)}</td><td>${esc(d.ip)}</td><td>${esc(d.phase)}</td>` +
              `<td>${esc(d.load)}</td><td>${d.findings.map(f => `<span class="${f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : 'muted'}">${esc(f.title)}</span>`).join('<br>') || '<span class="ok">ok</span>'}</td>` +
              `<td>${esc(d.model)}</td><td class="muted">${esc(d.last_seen)}</td></tr>`).join('') + `</table>`;
        }
        async function detail(mac) {
          const d = await api('/api/devices/' + mac);
          document.getElementById('detail').innerHTML = `<h3>${esc(d.mac)} <span class="muted">${esc(d.vendor_class)}</span></h3>` +
            d.findings.map(f => `<p class="${f.severity === 'error' ? 'bad' : 'warn'}">${esc(f.title)}</p><pre>${esc(f.evidence.join('\\n'))}\\n→ ${esc(f.action)}</pre>`).join('') +
            `<table><tr><th>Time</th><th>Event</th><th>Details</th></tr>` + d.timeline.map(e =>
              `<tr><td class="muted">${esc(e.time)}</td><td>${esc(e.name)}</td><td>${esc(Object.entries(e.metadata).map(([k, v]) => k + '=' + v).join(' '))}</td></tr>`).join('') + `</table>`;
        }
        async function leases() {
          const list = await api('/api/leases');
          return `<table id="leases"><tr><th>IP</th><th>MAC</th><th>State</th><th>Expires</th><th>Hostname</th></tr>` +
            list.map(l => `<tr><td>${esc(l.ip)}</td><td>${esc(l.mac)}</td><td>${esc(l.state)}</td><td class="muted">${esc(l.expires)}</td><td>${esc(l.hostname)}</td></tr>`).join('') + `</table>`;
        }
        async function transfers() {
          const t = await api('/api/transfers');
          const row = x => { const pct = x.size ? Math.min(100, Math.round(100 * x.bytes / x.size)) : 0;
            return `<tr><td>${esc(x.client)}</td><td>${esc(x.file)}</td><td><div class="bar"><div class="progress" style="width:${pct}%"></div></div> ${pct}%</td>` +
              `<td>${x.bytes}/${x.size ?? '?'}</td><td>${x.blockSize}/${x.windowSize}</td><td class="${x.state === 'failed' ? 'bad' : ''}">${esc(x.state)} ${esc(x.detail)}</td></tr>`; };
          return `<h3>Active</h3><table id="active"><tr><th>Client</th><th>File</th><th>Progress</th><th>Bytes</th><th>blksize/window</th><th>State</th></tr>${t.active.map(row).join('')}</table>` +
            `<h3>Recent</h3><table id="recent"><tr><th>Client</th><th>File</th><th>Progress</th><th>Bytes</th><th>blksize/window</th><th>State</th></tr>${t.recent.slice().reverse().map(row).join('')}</table>`;
        }
        async function refresh() {
          try { document.getElementById('view').innerHTML = await tabs[current](); document.getElementById('status').textContent = 'updated ' + new Date().toLocaleTimeString(); }
          catch (e) { document.getElementById('status').textContent = 'API error ' + e.message; }
        }
        nav(); refresh(); setInterval(refresh, 2000);
        </script></body></html>
        """
}
