// Traceline's web UI: a page per hash route, each drawn from the JSON API (/api/...).
//   #/search?service=..&route=..&flag=..&minDurationMs=..&status=..   timelines matching a search
//   #/trace/<traceId>                                                 one timeline: Gantt + log lines
//   #/map                                                             the service map
//   #/outliers                                                        latency outliers
// Every text that comes from data is set with textContent (log lines are user data).
'use strict';

const HEALTH_COLOURS = { HEALTHY: '#2f9e44', DEGRADED: '#f08c00', CRITICAL: '#e03131' };
const RANGES = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };

// State other scripts (and the browser tests) may read.
window.traceline = { map: null, chart: null, page: null };

/** An element with attributes (on* as listeners) and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'style') Object.assign(node.style, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function escapeHtml(text) {
  const node = document.createElement('span');
  node.textContent = text;
  return node.innerHTML;
}

function ms(value) {
  if (value === null || value === undefined) return '-';
  return value >= 10000 ? (value / 1000).toFixed(1) + ' s' : Math.round(value) + ' ms';
}

function time(epochMs) {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

function percent(share) {
  return Math.round(share * 100) + '%';
}

function route(hop) {
  return hop ? (hop.operation ? hop.service + ' ' + hop.operation : hop.service) : '';
}

/** The selected time range as API parameters. */
function rangeParams() {
  const length = RANGES[document.getElementById('range').value] || RANGES['1h'];
  const to = Date.now();
  return { from: String(to - length), to: String(to) };
}

// Each render has a generation; an answer that arrives after a newer render began is dropped (its
// page never resolves), so a slow page never overwrites the one the user went to since.
let generation = 0;

async function api(path, params) {
  const mine = generation;
  const query = new URLSearchParams(params || {}).toString();
  const response = await fetch('/api/' + path + (query ? '?' + query : ''));
  if (mine !== generation) return new Promise(() => {});
  const body = await response.json().catch(() => ({ error: response.statusText, problems: [] }));
  if (!response.ok) {
    const error = new Error(body.error + (body.problems && body.problems.length ? ': ' + body.problems.join('; ') : ''));
    error.status = response.status;
    throw error;
  }
  return body;
}

function show(...children) {
  const view = document.getElementById('view');
  view.replaceChildren(...children);
  return view;
}

function failure(error) {
  return el('div', { class: 'error-box', id: 'error' }, error.message);
}

function flagBadges(flags) {
  const seen = new Set();
  return (flags || []).filter(f => !seen.has(f.type) && seen.add(f.type))
    .map(f => el('span', { class: 'flag ' + f.type }, f.type));
}

// ---- search ------------------------------------------------------------------------------------

async function searchPage(params) {
  const form = el('form', { class: 'filters panel', id: 'search-form' });
  const results = el('div', { id: 'results' }, el('p', { class: 'muted' }, 'Searching...'));
  const chart = el('div', { id: 'duration-chart', class: 'panel' });
  show(el('h1', {}, 'Timelines'), form, chart, results);

  let facets = { services: [], routes: [], flags: [] };
  try {
    facets = await api('facets', rangeParams());
  } catch (error) {
    results.replaceChildren(failure(error));
    return;
  }
  const select = (name, label, options) =>
    el('label', {}, label,
      el('select', { name }, el('option', { value: '' }, 'any'),
        options.map(o => el('option', { value: o.value, selected: o.value === params.get(name) }, o.text))));
  form.append(
    select('service', 'Service', facets.services.map(s => ({ value: s, text: s }))),
    select('route', 'Route', facets.routes.map(r => ({ value: route(r), text: route(r) + ' (' + r.requests + ')' }))),
    select('flag', 'Flag', facets.flags.map(f => ({ value: f.value, text: f.value + ' (' + f.count + ')' }))),
    select('status', 'Status', ['COMPLETE', 'TIMED_OUT', 'TRUNCATED', 'REVISED'].map(s => ({ value: s, text: s }))),
    el('label', {}, 'Min duration (ms)', el('input', { name: 'minDurationMs', type: 'number', min: '0', value: params.get('minDurationMs') || '' })),
    el('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) chosen.set(key, value);
    location.hash = '#/search?' + chosen.toString();
  });

  const query = Object.assign(rangeParams(), Object.fromEntries(params));
  let found;
  try {
    found = await api('timelines', query);
  } catch (error) {
    results.replaceChildren(failure(error));
    return;
  }
  drawDurationChart(chart, found);
  if (found.timelines.length === 0) {
    results.replaceChildren(el('p', { class: 'muted', id: 'no-results' }, 'No timeline matches in this time range.'));
    return;
  }
  results.replaceChildren(
    el('p', { class: 'muted' }, found.total + ' traces match; the newest ' + found.timelines.length + ' shown.'),
    el('table', { class: 'panel', id: 'timelines' },
      el('thead', {}, el('tr', {}, ['Start (UTC)', 'Route', 'Duration', 'Status', 'Services', 'Flags', 'Bottleneck']
        .map((h, i) => el('th', { class: i === 2 ? 'num' : null }, h)))),
      el('tbody', {}, found.timelines.map(t =>
        el('tr', { class: 'clickable', 'data-trace': t.traceId, onclick: () => { location.hash = '#/trace/' + t.traceId; } },
          el('td', {}, time(t.startTime)),
          el('td', {}, el('a', { href: '#/trace/' + t.traceId }, route(t.entry))),
          el('td', { class: 'num' }, ms(t.durationMs)),
          el('td', {}, t.status + (t.revision > 1 ? ' rev ' + t.revision : '')),
          el('td', {}, (t.services || []).join(' > ')),
          el('td', {}, flagBadges(t.flags)),
          el('td', {}, t.bottleneck ? t.bottleneck.service + ' ' + percent(t.bottleneck.share) : ''))))));
}

/**
 * The window over time: requests per bucket (bars, right axis), their p50 and p99 durations
 * (lines), and the flagged requests among those listed (red points; a click opens one).
 */
function drawDurationChart(container, found) {
  if (window.traceline.chart) window.traceline.chart.dispose();
  const chart = echarts.init(container, null, { renderer: 'svg' });
  window.traceline.chart = chart;
  const flagged = found.timelines.filter(t => (t.flags || []).length);
  const byId = new Map(found.timelines.map(t => [t.traceId, t]));
  const series = (name, pick) => found.overTime.map(b => [b.time, pick(b) ?? null]);
  chart.setOption({
    animation: false,
    grid: { left: 60, right: 60, top: 30, bottom: 30 },
    legend: { data: ['requests', 'p50', 'p99', 'flagged'], top: 0 },
    tooltip: { trigger: 'item', formatter: p => p.seriesName === 'flagged'
      // ECharts renders a formatter's string as HTML: escape what comes from the data.
      ? escapeHtml(route(byId.get(p.data.traceId).entry)) + '<br>' + ms(p.data.value[1])
      : escapeHtml(p.seriesName) + ' ' + time(p.value[0]) + ': ' + (p.seriesName === 'requests' ? p.value[1] : ms(p.value[1])) },
    xAxis: { type: 'time', min: found.overTime.length ? found.overTime[0].time : null },
    yAxis: [{ type: 'value', name: 'ms', nameGap: 8 }, { type: 'value', name: 'requests', nameGap: 8, splitLine: { show: false } }],
    series: [
      { name: 'requests', type: 'bar', yAxisIndex: 1, barMaxWidth: 12, itemStyle: { color: '#d0d7e2' }, data: series('requests', b => b.requests) },
      { name: 'p50', type: 'line', showSymbol: false, connectNulls: false, itemStyle: { color: '#4a7bd0' }, data: series('p50', b => b.p50Ms) },
      { name: 'p99', type: 'line', showSymbol: false, connectNulls: false, itemStyle: { color: '#f08c00' }, data: series('p99', b => b.p99Ms) },
      { name: 'flagged', type: 'scatter', symbolSize: 7, itemStyle: { color: '#e03131' },
        data: flagged.map(t => ({ value: [t.startTime, t.durationMs], traceId: t.traceId })) }
    ]
  });
  chart.on('click', p => { if (p.data && p.data.traceId) location.hash = '#/trace/' + p.data.traceId; });
}

// ---- one timeline ------------------------------------------------------------------------------

async function tracePage(traceId) {
  show(el('p', { class: 'muted' }, 'Loading trace ' + traceId + '...'));
  let t;
  try {
    t = await api('timelines/' + encodeURIComponent(traceId));
  } catch (error) {
    show(el('h1', {}, 'Trace ' + traceId), failure(error));
    return;
  }
  const b = t.bottleneck;
  show(
    el('h1', { id: 'trace-title' }, route(t.entry), el('span', { class: 'muted' }, '  ' + ms(t.durationMs))),
    el('div', { class: 'panel facts' },
      el('div', {}, el('span', {}, 'trace'), t.traceId),
      el('div', {}, el('span', {}, 'started'), time(t.startTime) + ' UTC'),
      el('div', {}, el('span', {}, 'status'), t.status + ' rev ' + t.revision),
      el('div', {}, el('span', {}, 'events'), t.eventCount),
      el('div', {}, el('span', {}, 'services'), t.services.join(' > ')),
      b ? el('div', { id: 'bottleneck-summary' }, el('span', {}, 'bottleneck'),
        (b.kind === 'GAP' ? 'waiting before ' : '') + route(b) + ' ' + ms(b.durationMs) + ' (' + percent(b.share) + ')') : null),
    t.flags.length ? el('div', { class: 'panel', id: 'flags' }, t.flags.map(f =>
      el('div', {}, el('span', { class: 'flag ' + f.type }, f.type), ' ', f.reason || ''))) : null,
    el('h2', {}, 'Time per service'),
    el('div', { class: 'panel' }, gantt(t),
      el('div', { class: 'legend' },
        el('span', {}, el('i', { style: { background: 'var(--bar)' } }), 'segment'),
        el('span', {}, el('i', { style: { background: 'var(--bottleneck)' } }), 'bottleneck'),
        el('span', {}, el('i', { style: { background: 'repeating-linear-gradient(45deg, var(--gap) 0 3px, transparent 3px 6px)' } }), 'gap: time before the call that no service accounts for'))),
    el('h2', {}, 'Log lines (' + t.events.length + ')'),
    logLines(t));
}

function isBottleneckHop(t, s) {
  const b = t.bottleneck;
  return !!b && b.service === s.service && (b.operation == null || b.operation === s.operation);
}

/** One row per segment: its bar on the request's time axis, gaps before it shaded. */
function gantt(t) {
  const span = Math.max(1, t.durationMs);
  const left = at => Math.max(0, Math.min(100, (at - t.startTime) * 100 / span));
  const rows = [];
  for (const s of t.segments) {
    const bottleneck = t.bottleneck && t.bottleneck.kind === 'SEGMENT' && isBottleneckHop(t, s);
    const gapBottleneck = t.bottleneck && t.bottleneck.kind === 'GAP' && isBottleneckHop(t, s);
    const track = el('div', { class: 'track' });
    for (const g of t.gaps) {
      if (g.to === s.service && (g.operation || null) === (s.operation || null) && g.durationMs > 0) {
        track.append(el('div', {
          class: 'gap' + (gapBottleneck ? ' bottleneck' : ''), title: 'gap ' + g.from + ' -> ' + g.to + ': ' + ms(g.durationMs),
          style: { left: left(g.startTime) + '%', width: (left(g.endTime) - left(g.startTime)) + '%' }
        }));
      }
    }
    track.append(el('div', {
      class: 'bar' + (bottleneck ? ' bottleneck' : ''), 'data-service': s.service, 'data-operation': s.operation || '',
      title: route(s) + ': ' + ms(s.durationMs) + ', self ' + ms(s.selfTimeMs),
      style: { left: left(s.startTime) + '%', width: Math.max(0.2, left(s.endTime) - left(s.startTime)) + '%' }
    }));
    const notes = [ms(s.durationMs)];
    if (s.calls > 1) notes.push('x' + s.calls);
    if (s.coldStart) notes.push('cold start');
    if (s.errorCount > 0) notes.push('errors ' + s.errorCount);
    rows.push(
      el('div', { class: 'label', title: route(s) }, route(s)),
      track,
      el('div', { class: 'note' }, notes.join('  '),
        bottleneck || gapBottleneck ? el('span', { class: 'marker' }, '  \u25c0 bottleneck ' + percent(t.bottleneck.share)) : null));
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(f => el('span', {}, ms(f * t.durationMs)));
  return el('div', { class: 'gantt', id: 'gantt' }, ...rows, el('div', { class: 'axis' }, ticks));
}

function logLines(t) {
  const events = [...t.events].sort((a, b) => a.timestamp - b.timestamp);
  return el('table', { class: 'lines panel', id: 'log-lines' },
    el('thead', {}, el('tr', {}, ['+ms', 'Service', 'Level', 'Message'].map((h, i) => el('th', { class: i === 0 ? 'num' : null }, h)))),
    el('tbody', {}, events.map(e =>
      el('tr', { class: 'level-' + (e.level || 'INFO') },
        el('td', { class: 'num' }, e.timestamp - t.startTime),
        el('td', {}, e.service + (e.operation ? ' ' + e.operation : '')),
        el('td', {}, e.level || ''),
        el('td', { class: 'message' }, e.message || '')))));
}

// ---- service map -------------------------------------------------------------------------------

async function mapPage() {
  const container = el('div', { id: 'service-map' });
  const side = el('div', { id: 'map-services' });
  show(el('h1', {}, 'Service map'),
    el('p', { class: 'muted' }, 'Each service is coloured by its health in the time range against the six ranges before it: error rate and p99 latency. Edges: calls and p99 from caller to callee.'),
    el('div', { class: 'map-layout' }, container, side));
  let map;
  try {
    map = await api('service-map', rangeParams());
  } catch (error) {
    side.replaceChildren(failure(error));
    return;
  }
  if (window.traceline.map) window.traceline.map.destroy();
  const nodeLabel = n => n.service + '\n' + (n.current.p99Ms != null ? 'p99 ' + ms(n.current.p99Ms) : 'no segments') +
    (n.current.segments ? ' \u00b7 err ' + (n.current.errors * 100 / n.current.segments).toFixed(1) + '%' : '');
  const cy = cytoscape({
    container,
    maxZoom: 1.1, // fitting a small map must not blow up its labels into each other
    elements: [
      ...map.nodes.map(n => ({ data: { id: n.service, label: nodeLabel(n), health: n.health.health, entry: n.entry } })),
      ...map.edges.map(e => ({ data: { id: e.from + '->' + e.to, source: e.from, target: e.to,
        label: e.calls + ' calls \u00b7 p99 ' + ms(e.p99Ms), errors: e.errors } }))
    ],
    style: [
      { selector: 'node', style: { 'background-color': n => HEALTH_COLOURS[n.data('health')] || '#868e96', label: 'data(label)',
        'text-wrap': 'wrap', 'text-valign': 'bottom', 'text-margin-y': 6, 'font-size': 11, width: 34, height: 34,
        'border-width': n => n.data('entry') ? 3 : 0, 'border-color': '#1d2330' } },
      { selector: 'edge', style: { width: 2, 'line-color': e => e.data('errors') > 0 ? '#ffa8a8' : '#adb5bd',
        'target-arrow-color': '#868e96', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)',
        'font-size': 10, 'text-background-color': '#fff', 'text-background-opacity': 0.85, 'text-background-padding': 2 } }
    ],
  });
  // Roots as a collection: service names need not be valid selectors.
  const roots = cy.nodes().filter(n => n.data('entry'));
  cy.layout({ name: 'breadthfirst', directed: true, spacingFactor: 1.3, padding: 30,
    roots: roots.nonempty() ? roots : undefined }).run();
  cy.on('tap', 'node', event => { location.hash = '#/search?service=' + encodeURIComponent(event.target.id()); });
  window.traceline.map = cy;
  side.replaceChildren(el('table', { class: 'panel' },
    el('thead', {}, el('tr', {}, ['Service', 'Segments', 'Errors', 'p99', 'Baseline p99'].map((h, i) => el('th', { class: i ? 'num' : null }, h)))),
    el('tbody', {}, map.nodes.map(n =>
      el('tr', { 'data-service': n.service, 'data-health': n.health.health },
        el('td', {}, el('span', { class: 'health ' + n.health.health, title: n.health.health }), n.service,
          n.health.reasons.map(r => el('div', { class: 'muted' }, r))),
        el('td', { class: 'num' }, n.current.segments),
        el('td', { class: 'num' }, n.current.segments ? (n.current.errors * 100 / n.current.segments).toFixed(1) + '%' : '-'),
        el('td', { class: 'num' }, ms(n.current.p99Ms)),
        el('td', { class: 'num' }, ms(n.baselineStats.p99Ms)))))));
}

// ---- outliers ----------------------------------------------------------------------------------

async function outliersPage() {
  show(el('h1', {}, 'Latency outliers'), el('p', { class: 'muted' }, 'Loading...'));
  let found;
  try {
    found = await api('outliers', Object.assign(rangeParams(), { limit: '200' }));
  } catch (error) {
    show(el('h1', {}, 'Latency outliers'), failure(error));
    return;
  }
  const describe = f => f.type + ' ' + (f.service || '') +
    (f.ratio ? ' ' + f.ratio.toFixed(1) + 'x' : '') +
    (f.quantile ? ' p' + Math.round(f.quantile * 100) : '') +
    (f.observed != null ? ' (' + ms(f.observed) + ' vs ' + ms(f.threshold) + ')' : '');
  show(el('h1', {}, 'Latency outliers'),
    el('p', { class: 'muted' }, 'Requests slower than their route\'s learned baseline (LATENCY_OUTLIER) or with one hop slower than its own (SEGMENT_OUTLIER), the most extreme first.'),
    found.outliers.length === 0 ? el('p', { class: 'muted', id: 'no-results' }, 'No outlier in this time range.') :
      el('table', { class: 'panel', id: 'outliers' },
        el('thead', {}, el('tr', {}, ['Start (UTC)', 'Route', 'Duration', 'Outlier', 'Bottleneck'].map((h, i) => el('th', { class: i === 2 ? 'num' : null }, h)))),
        el('tbody', {}, found.outliers.map(a =>
          el('tr', { class: 'clickable', 'data-trace': a.traceId, onclick: () => { location.hash = '#/trace/' + a.traceId; } },
            el('td', {}, time(a.startTime)),
            el('td', {}, el('a', { href: '#/trace/' + a.traceId }, route(a.route))),
            el('td', { class: 'num' }, ms(a.durationMs)),
            el('td', {}, a.flags.filter(f => f.type.endsWith('_OUTLIER')).map(f => el('div', {}, describe(f)))),
            el('td', {}, a.bottleneck ? route(a.bottleneck) + ' ' + percent(a.bottleneck.share) : ''))))));
}

// ---- routing -----------------------------------------------------------------------------------

async function render() {
  generation++;
  const hash = location.hash || '#/search';
  const [path, query] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean);
  const view = parts[0] || 'search';
  for (const link of document.querySelectorAll('header nav a')) {
    link.classList.toggle('active', link.dataset.view === view || (view === 'trace' && link.dataset.view === 'search'));
  }
  window.traceline.page = null;
  if (view === 'trace' && parts[1]) await tracePage(decodeURIComponent(parts[1]));
  else if (view === 'map') await mapPage();
  else if (view === 'outliers') await outliersPage();
  else await searchPage(new URLSearchParams(query || ''));
  window.traceline.page = view;
}

document.getElementById('range').addEventListener('change', () => {
  sessionStorage.setItem('traceline.range', document.getElementById('range').value);
  render();
});
const savedRange = sessionStorage.getItem('traceline.range');
if (savedRange && RANGES[savedRange]) document.getElementById('range').value = savedRange;
window.addEventListener('hashchange', render);
render();
