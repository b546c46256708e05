// entline timeline report: lanes of top entities over a time axis, plain SVG, no dependencies.
// Every text from the documents is set with textContent / setAttribute, never parsed as HTML.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('data').textContent);
  var DAY = 86400000;
  var SVG = 'http://www.w3.org/2000/svg';
  var LABEL_W = 200, ROW_H = 30, AXIS_H = 36, PAD = 12;
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function dayOf(s) {
    var p = s.split('-');
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY;
  }
  var ents = D.entities;
  var events = D.events.map(function (e, i) {
    return { e: e, i: i, a: dayOf(e.s), b: dayOf(e.e) + 1 };
  });
  var svg = document.getElementById('svg');
  var chart = document.getElementById('chart');
  var filterBox = document.getElementById('filter');
  var topBox = document.getElementById('top');
  var details = document.getElementById('details');
  var stats = document.getElementById('stats');
  var view = null, shown = [], selected = -1;
  var placesLayer = document.getElementById('places');
  // documents read, by input kind: "14 documents (email 1, pdf 3, text 10) · "
  var docLine = (function () {
    var kinds = D.kinds || {}, names = Object.keys(kinds), n = 0, parts = [];
    names.forEach(function (k) { n += kinds[k]; parts.push(k + ' ' + kinds[k]); });
    if (!n) return '';
    return n + (n === 1 ? ' document' : ' documents') + (names.length > 1 ? ' (' + parts.join(', ') + ')' : ' (' + names[0] + ')') + ' · ';
  })();
  if (D.title) {
    document.title = 'entline timeline — ' + D.title;
    document.querySelector('header h1').textContent = document.title;
  }

  function el(tag, attrs, parent, text) {
    var x = document.createElementNS(SVG, tag);
    for (var k in attrs) x.setAttribute(k, attrs[k]);
    if (text !== undefined) x.textContent = text;
    if (parent) parent.appendChild(x);
    return x;
  }
  function matches(ev, q) {
    if (!q) return true;
    var e = ev.e;
    if (D.docs[e.d].toLowerCase().indexOf(q) >= 0 || e.s.indexOf(q) === 0 || e.v.toLowerCase().indexOf(q) === 0) return true;
    for (var j = 0; j < e.n.length; j++) {
      var en = ents[e.n[j]];
      if (en.k.toLowerCase() === q || en.n.toLowerCase().indexOf(q) >= 0) return true;
    }
    return false;
  }
  function lanesOf(list, n) {
    var seen = {};
    list.forEach(function (ev) { ev.e.n.forEach(function (j) { seen[j] = true; }); });
    var ids = Object.keys(seen).map(Number);
    ids.sort(function (x, y) { return ents[y].m - ents[x].m || (ents[x].n < ents[y].n ? -1 : ents[x].n > ents[y].n ? 1 : 0); });
    return ids.slice(0, n);
  }
  function rangeOf(list) {
    if (!list.length) return { a: 0, b: 1 };
    var a = Infinity, b = -Infinity;
    list.forEach(function (ev) { a = Math.min(a, ev.a); b = Math.max(b, ev.b); });
    var pad = Math.max((b - a) * 0.04, 3);
    return { a: a - pad, b: b + pad };
  }
  function fmt(d, unit, first) {
    var t = new Date(d * DAY);
    var y = t.getUTCFullYear(), m = t.getUTCMonth();
    if (unit === 'year') return String(y);
    if (unit === 'month') return MONTHS[m] + (m === 0 || first ? ' ' + y : '');
    return t.getUTCDate() + ' ' + MONTHS[m] + (first ? ' ' + y : '');
  }
  // tick positions: whole years, months, Mondays or days, at least ~90 px apart
  function ticks(a, b, px) {
    var perTick = (b - a) / Math.max(px / 90, 1), out = [], unit, step, d;
    if (perTick > 300) { unit = 'year'; step = Math.ceil(perTick / 365); }
    else if (perTick > 10) { unit = 'month'; step = [1, 2, 3, 6][[25, 55, 85, 1e9].findIndex(function (l) { return perTick <= l * 1.2; })]; }
    else if (perTick > 3) { unit = 'week'; step = Math.ceil(perTick / 7); }
    else { unit = 'day'; step = Math.max(1, Math.ceil(perTick)); }
    var t = new Date(a * DAY), y = t.getUTCFullYear();
    if (unit === 'year') {
      for (y = Math.ceil(y / step) * step; (d = Date.UTC(y, 0, 1) / DAY) <= b; y += step) if (d >= a) out.push(d);
    } else if (unit === 'month') {
      for (var k = y * 12 + t.getUTCMonth(); (d = Date.UTC(Math.floor(k / 12), k % 12, 1) / DAY) <= b; k++) if (d >= a && k % step === 0) out.push(d);
    } else if (unit === 'week') {
      // 1970-01-05 (day 4) was a Monday
      for (d = Math.ceil((a - 4) / 7) * 7 + 4; d <= b; d += 7) if (((d - 4) / 7) % step === 0) out.push(d);
    } else {
      for (d = Math.ceil(a); d <= b; d++) if (d % step === 0) out.push(d);
    }
    return { unit: unit, days: out };
  }

  function render() {
    var q = filterBox.value.trim().toLowerCase();
    var list = events.filter(function (ev) { return matches(ev, q); });
    var n = Math.max(1, Math.min(500, parseInt(topBox.value, 10) || 12));
    var lanes = lanesOf(list, n);
    if (!view) view = rangeOf(list);
    var width = Math.max(chart.clientWidth, 480);
    var plotW = width - LABEL_W - PAD;
    var height = AXIS_H + lanes.length * ROW_H + PAD;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    var span = view.b - view.a;
    var x = function (d) { return LABEL_W + (d - view.a) / span * plotW; };
    var axis = el('g', { 'class': 'axis' }, svg);
    var tk = ticks(view.a, view.b, plotW);
    tk.days.forEach(function (d, i) {
      if (x(d) < LABEL_W) return;
      el('line', { x1: x(d), x2: x(d), y1: AXIS_H - 6, y2: height }, axis);
      el('text', { x: x(d) + 3, y: AXIS_H - 12 }, axis, fmt(d, tk.unit, i === 0));
    });
    var laneIndex = {}, groups = [];
    lanes.forEach(function (j, k) {
      laneIndex[j] = k;
      var g = el('g', { 'class': 'lane ' + ents[j].k, 'data-entity': ents[j].n }, svg);
      groups.push(g);
      var y = AXIS_H + k * ROW_H;
      if (k % 2 === 0) el('rect', { 'class': 'lane-bg', x: 0, y: y, width: width, height: ROW_H }, g);
      var label = el('text', { 'class': 'lane-label', x: 8, y: y + ROW_H / 2 + 4 }, g, ents[j].n.length > 21 ? ents[j].n.slice(0, 20) + '…' : ents[j].n);
      el('title', {}, label, ents[j].n + ' (' + ents[j].k + ', ' + ents[j].m + ' mentions)');
      el('text', { 'class': 'lane-type', x: LABEL_W - 34, y: y + ROW_H / 2 + 4 }, g, ents[j].k);
    });
    var marks = 0;
    shown = list;
    list.forEach(function (ev) {
      if (ev.b < view.a || ev.a > view.b) return;
      var x1 = Math.max(x(ev.a), LABEL_W), x2 = Math.min(x(ev.b), width);
      var w = Math.max(x2 - x1, 5);
      ev.e.n.forEach(function (j) {
        var k = laneIndex[j];
        if (k === undefined) return;
        var g = groups[k];
        var r = el('rect', {
          'class': 'mark' + (x2 - x1 > 14 ? ' wide' : '') + (ev.i === selected ? ' selected' : ''),
          x: x2 - x1 < 5 ? x1 - 2.5 : x1, y: AXIS_H + k * ROW_H + 6, width: w, height: ROW_H - 12, rx: 2,
          'data-event': ev.i, 'data-date': ev.e.v, 'data-precision': ev.e.p
        }, g);
        el('title', {}, r, ev.e.v + ' ' + ev.e.x + ' — ' + ev.e.t.slice(0, 160));
        marks++;
      });
    });
    if (!lanes.length) el('text', { 'class': 'empty', x: LABEL_W, y: AXIS_H + 20 }, svg, 'No events match.');
    drawPlaces(list);
    stats.textContent = docLine + list.length + ' of ' + events.length + ' events · ' + lanes.length + ' lanes · ' + marks + ' marks';
  }

  // the map: one circle per place with coordinates among the events shown (equirectangular, as
  // the outline: x = longitude + 180, y = 90 - latitude), area by number of events; the places of
  // the selected event are highlighted, and clicking a place filters the timeline by it
  function drawPlaces(list) {
    while (placesLayer.firstChild) placesLayer.removeChild(placesLayer.firstChild);
    var count = {}, sel = {};
    list.forEach(function (ev) {
      ev.e.n.forEach(function (j) {
        if (ents[j].y === undefined) return;
        count[j] = (count[j] || 0) + 1;
        if (ev.i === selected) sel[j] = true;
      });
    });
    var ids = Object.keys(count).map(Number);
    // big circles first, so small ones stay clickable on top
    ids.sort(function (a, b) { return count[b] - count[a] || a - b; });
    ids.forEach(function (j) {
      var c = el('circle', {
        'class': 'place' + (sel[j] ? ' selected' : ''),
        cx: (ents[j].x + 180).toFixed(2), cy: (90 - ents[j].y).toFixed(2), r: (1.6 + Math.sqrt(count[j]) * 0.9).toFixed(2),
        'data-place': ents[j].n, 'data-events': count[j]
      }, placesLayer);
      el('title', {}, c, ents[j].n + ' (' + count[j] + (count[j] === 1 ? ' event)' : ' events)'));
    });
  }

  function show(ev) {
    selected = ev.i;
    var e = ev.e;
    while (details.firstChild) details.removeChild(details.firstChild);
    var h = document.createElement('h2');
    h.textContent = e.s === e.e ? e.s : e.s + ' – ' + e.e;
    details.appendChild(h);
    var dl = document.createElement('dl');
    function row(k, v, href) {
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = k;
      if (href) {
        var a = document.createElement('a');
        a.setAttribute('href', href);
        a.textContent = v;
        dd.appendChild(a);
      } else dd.textContent = v;
      dl.appendChild(dt);
      dl.appendChild(dd);
    }
    row('Precision', e.p);
    row('Time expression', e.x ? '“' + e.x + '” = ' + e.v : e.v + ' (document date)');
    if (e.g) row('Trigger', e.g);
    e.n.forEach(function (j) { row(ents[j].k, ents[j].n); });
    row('Document', D.docs[e.d], D.hrefs[e.d] || null);
    row('Offset', 'characters ' + e.c);
    details.appendChild(dl);
    var bq = document.createElement('blockquote');
    bq.textContent = e.t;
    details.appendChild(bq);
    render();
  }

  var pending = false;
  function later() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; render(); });
  }
  svg.addEventListener('wheel', function (w) {
    w.preventDefault();
    var rect = svg.getBoundingClientRect();
    var plotW = rect.width - LABEL_W - PAD;
    var c = view.a + Math.max(0, w.clientX - rect.left - LABEL_W) / plotW * (view.b - view.a);
    var f = Math.exp(w.deltaY * 0.0015);
    var a = c - (c - view.a) * f, b = c + (view.b - c) * f;
    if (b - a > 0.5 && b - a < 365 * 3000) { view = { a: a, b: b }; later(); }
  }, { passive: false });
  var drag = null;
  svg.addEventListener('pointerdown', function (p) {
    if (p.target.getAttribute('data-event') !== null) return;
    drag = { x: p.clientX, view: view };
    svg.classList.add('panning');
    svg.setPointerCapture(p.pointerId);
  });
  svg.addEventListener('pointermove', function (p) {
    if (!drag) return;
    var plotW = svg.getBoundingClientRect().width - LABEL_W - PAD;
    var dd = (p.clientX - drag.x) / plotW * (drag.view.b - drag.view.a);
    view = { a: drag.view.a - dd, b: drag.view.b - dd };
    later();
  });
  function endDrag() { drag = null; svg.classList.remove('panning'); }
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointercancel', endDrag);
  svg.addEventListener('click', function (c) {
    var i = c.target.getAttribute && c.target.getAttribute('data-event');
    if (i !== null && i !== undefined) show(events[+i]);
  });
  placesLayer.addEventListener('click', function (c) {
    var name = c.target.getAttribute && c.target.getAttribute('data-place');
    if (!name) return;
    filterBox.value = name;
    view = null;
    render();
  });
  filterBox.addEventListener('input', function () { view = null; later(); });
  topBox.addEventListener('input', later);
  document.getElementById('reset').addEventListener('click', function () { view = null; render(); });
  window.addEventListener('resize', later);
  // deep links: #q=FILTER&event=N pre-fill the filter box and open an event's details
  var hash = {};
  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
    var i = kv.indexOf('=');
    if (i > 0) hash[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
  });
  if (hash.q) filterBox.value = hash.q;
  render();
  if (hash.event !== undefined && events[+hash.event]) show(events[+hash.event]);
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now())));
})();
