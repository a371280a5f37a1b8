// Caravan operator console: polls Caravan's own JSON APIs every few seconds and redraws. No build step, no library.
(function () {
  'use strict';
  var REFRESH_MS = 3000;
  var previous = {};           // topic -> {records, at} for the per-second rate
  var keyInput = document.getElementById('api-key');
  keyInput.value = sessionStorage.getItem('caravan-api-key') || '';
  keyInput.addEventListener('change', function () { sessionStorage.setItem('caravan-api-key', keyInput.value); });

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function row(cells, attrs) {
    var tr = el('tr', attrs);
    cells.forEach(function (c) {
      if (c instanceof Node) { var td = el('td'); td.appendChild(c); tr.appendChild(td); }
      else if (c && typeof c === 'object') { tr.appendChild(el('td', c.attrs, c.text)); }
      else { tr.appendChild(el('td', {}, c === null || c === undefined ? '' : c)); }
    });
    return tr;
  }
  function fill(id, rows) {
    var body = document.querySelector('#' + id + ' tbody');
    body.replaceChildren.apply(body, rows);
  }
  function when(iso) { return iso ? new Date(iso).toLocaleString() : ''; }
  function num(n) { return { text: n === null || n === undefined ? '' : Number(n).toLocaleString(), attrs: { 'class': 'num' } }; }

  // every call carries the admin key typed in (kept for this tab only); a 401 asks for it
  function headers() {
    var h = { 'Accept': 'application/json' };
    if (keyInput.value) { h['X-API-Key'] = keyInput.value; }
    return h;
  }
  function answer(r) {
    if (r.status === 401 || r.status === 403) {
      banner(r.status === 401 ? 'This Caravan needs an admin key: type it in the API key field.'
        : 'The key typed in is not an admin key.');
    }
    return r.json().then(function (body) { return { status: r.status, body: body }; });
  }
  function get(path) {
    return fetch(path, { headers: headers() }).then(answer);
  }
  function post(path) {
    return fetch(path, { method: 'POST', headers: headers() }).then(answer);
  }
  function banner(text) {
    var b = document.getElementById('banner');
    b.textContent = text || '';
    b.classList.toggle('hidden', !text);
  }

  function drawHealth(h) {
    var down = [];
    var items = (h.checks || []).filter(function (c) { return /^(kafka|mongodb|s3)$/.test(c.name) || c.status !== 'UP'; })
      .map(function (c) {
        if (c.status !== 'UP') { down.push(c.name); }
        return el('li', { 'class': c.status === 'UP' ? 'up' : 'down', 'data-check': c.name }, c.name + ' ' + c.status);
      });
    var list = document.getElementById('health');
    list.replaceChildren.apply(list, items);
    return down;
  }

  function drawOverview(o) {
    var now = Date.now();
    fill('streams', o.streams.map(function (s) {
      var p = previous[s.topic];
      var rate = p && now > p.at ? ((s.records - p.records) * 1000 / (now - p.at)).toFixed(1) : '';
      previous[s.topic] = { records: s.records, at: now };
      return row([s.topic, s.source + (s.format === 'avro' ? ' (Avro)' : ''), num(s.records), { text: rate, attrs: { 'class': 'num' } }, when(s.lastRecordAt)],
        { 'data-topic': s.topic });
    }));
    fill('sinks', o.sinks.map(function (s) {
      var perTopic = s.topics.filter(function (t) { return t.lag > 0; })
        .map(function (t) { return t.topic + ': ' + t.lag; }).join(', ');
      var error = s.lastError ? s.lastError.message + ' (' + when(s.lastError.at) + ')' : '';
      if (s.stalledSeconds) {
        error = 'STALLED: one batch retried for ' + s.stalledSeconds + ' s; ' + error;
      }
      return row([s.name, s.group, num(s.consumed), num(s.lag), { text: perTopic || 'none', attrs: { 'class': 'wrap' } },
        { text: error, attrs: { 'class': 'wrap bad' } }], { 'data-sink': s.name });
    }));
    fill('dlq', o.deadLetters.map(function (d) {
      var b = el('button', { 'class': 'redrive', 'data-topic': d.source }, 'Redrive');
      b.addEventListener('click', function () { redrive(d.source); });
      return row([d.topic, num(d.count), { text: d.lastError || '', attrs: { 'class': 'wrap bad' } }, b],
        { 'data-dlq': d.topic });
    }));
    fill('lake', o.lakeFiles.map(function (f) {
      return row([f.key, f.format, num(f.records), num(f.bytes), when(f.writtenAt)]);
    }));
  }

  function drawPollers(list) {
    fill('pollers', list.map(function (p) {
      var last = p.lastRun || {};
      var state = p.enabled ? (p.running ? 'running' : 'enabled') : 'disabled: ' + p.disabledReason;
      var status = last.status ? last.status + ' ' + when(last.at) + (last.durationMs !== undefined ? ' (' + last.durationMs + ' ms)' : '') : 'never';
      var b = el('button', { 'class': 'run-now', 'data-poller': p.name }, 'Run now');
      b.disabled = !p.enabled;
      b.addEventListener('click', function () { runNow(p.name); });
      return row([p.name, p.schedule, { text: state, attrs: { 'class': p.enabled ? 'ok' : 'muted' } },
        { text: status, attrs: { 'class': last.status && last.status !== 'OK' && last.status !== 'RUNNING' ? 'bad' : '' } },
        num(p.recordsProduced), when(p.nextRun), b], { 'data-poller': p.name });
    }));
  }

  function runNow(name) {
    var out = document.getElementById('poll-result');
    out.textContent = 'running ' + name + '…';
    post('/api/v1/pollers/' + encodeURIComponent(name) + '/run').then(function (r) {
      out.textContent = r.status === 200
        ? name + ': ' + r.body.status + ', produced ' + r.body.produced + ', unchanged ' + r.body.unchanged + ', ' + r.body.requests + ' requests'
        : name + ': ' + (r.body.detail || r.body.title || r.status);
      refresh();
    }).catch(function (e) { out.textContent = name + ': ' + e; });
  }

  function redrive(topic) {
    var out = document.getElementById('redrive-result');
    post('/api/v1/dlq/' + encodeURIComponent(topic) + '/redrive').then(function (r) {
      out.textContent = r.status === 200 ? topic + ': ' + r.body.redriven + ' redriven' : topic + ': ' + (r.body.detail || r.status);
      refresh();
    });
  }

  // a bar chart of the first numeric column against the label columns, for one-row-per-label answers
  function chart(rows) {
    if (!rows.length || rows.length > 30) { return null; }
    var keys = Object.keys(rows[0]);
    var value = keys.filter(function (k) { return typeof rows[0][k] === 'number' && !/year$/.test(k); })[0];
    if (!value) { return null; }
    var labels = keys.filter(function (k) { return k !== value && typeof rows[0][k] !== 'number'; });
    var max = Math.max.apply(null, rows.map(function (r) { return r[value]; })) || 1;
    var ns = 'http://www.w3.org/2000/svg';
    var h = 16;
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', String(rows.length * h + 4));
    svg.setAttribute('viewBox', '0 0 600 ' + (rows.length * h + 4));
    rows.forEach(function (r, i) {
      var label = keys.filter(function (k) { return k !== value; }).map(function (k) { return r[k]; }).join(' · ');
      var t = document.createElementNS(ns, 'text');
      t.setAttribute('x', '0'); t.setAttribute('y', String(i * h + 12)); t.textContent = label;
      var rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', '260'); rect.setAttribute('y', String(i * h + 3));
      rect.setAttribute('height', String(h - 5)); rect.setAttribute('width', String(Math.max(1, r[value] / max * 280)));
      var v = document.createElementNS(ns, 'text');
      v.setAttribute('x', String(266 + r[value] / max * 280)); v.setAttribute('y', String(i * h + 12));
      v.textContent = String(r[value]);
      svg.appendChild(t); svg.appendChild(rect); svg.appendChild(v);
    });
    return labels.length ? svg : null;
  }

  var metricsShownAt = {};
  function drawMetrics(list) {
    var box = document.getElementById('metrics');
    list.forEach(function (m) {
      var id = 'metric-' + m.name;
      var div = document.getElementById(id);
      if (!div) {
        div = el('div', { 'class': 'metric', id: id, 'data-metric': m.name });
        div.appendChild(el('h3', {}, m.description));
        div.appendChild(el('p', { 'class': 'muted' }, 'not computed yet'));
        box.appendChild(div);
      }
      if (!m.computedAt || metricsShownAt[m.name] === m.computedAt) { return; }
      metricsShownAt[m.name] = m.computedAt;
      get('/api/v1/metrics/' + encodeURIComponent(m.name)).then(function (r) {
        var rows = r.body.rows || [];
        var parts = [el('h3', {}, m.description),
          el('div', { 'class': 'muted' }, 'computed ' + when(r.body.computedAt) + (m.agree === true ? ' · batch agrees'
            : m.agree === false ? ' · batch differs' : ''))];
        var svg = chart(rows);
        if (svg) { parts.push(svg); }
        if (rows.length) {
          var keys = Object.keys(rows[0]);
          var t = el('table');
          var head = el('tr');
          keys.forEach(function (k) { head.appendChild(el('th', {}, k)); });
          t.appendChild(el('thead')).appendChild(head);
          var body = el('tbody');
          rows.slice(0, 25).forEach(function (x) { body.appendChild(row(keys.map(function (k) { return x[k]; }))); });
          t.appendChild(body);
          parts.push(t);
        } else {
          parts.push(el('p', { 'class': 'muted' }, 'no data yet'));
        }
        div.replaceChildren.apply(div, parts);
      });
    });
  }

  function refresh() {
    Promise.all([get('/observe/health'), get('/api/v1/overview'), get('/api/v1/pollers'), get('/api/v1/metrics')])
      .then(function (r) {
        var down = drawHealth(r[0].body);
        if (r[1].status === 200) { drawOverview(r[1].body); }
        if (r[2].status === 200) { drawPollers(r[2].body); }
        if (r[3].status === 200) { drawMetrics(r[3].body); }
        banner(down.length ? 'DOWN: ' + down.join(', ') : r[1].status !== 200 ? 'Overview unavailable: ' + (r[1].body.detail || r[1].status) : '');
        document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      })
      .catch(function () {
        banner('Caravan API unreachable: showing the last data received');
      });
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
}());
