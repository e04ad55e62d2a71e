// The page of 'marquee serve', written by hand: no library, no build step.
'use strict';

const $ = id => document.getElementById(id);
const state = { model: null, poster: null, layers: [], epochs: [], epochLr: [] };

function showError(message) {
  const e = $('error');
  e.textContent = message;
  e.hidden = false;
}

function clearError() { $('error').hidden = true; }

async function getJson(url, options) {
  const response = await fetch(url, options);
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error('the server answered ' + response.status + ': ' + text.slice(0, 200));
  }
  if (!response.ok) throw new Error(json.error || ('the server answered ' + response.status));
  return json;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

const shape = s => '(' + s.join(', ') + ')';
const fmt = (v, d) => v === null || v === undefined ? 'n/a' : Number(v).toFixed(d);

// ---- a poster in, the genres out ----------------------------------------------------------

async function upload(file) {
  clearError();
  if (state.model && file.size > state.model.maxUpload) {
    showError(file.name + ': ' + file.size.toLocaleString('en') + ' bytes, more than the server takes (' + state.model.maxUpload.toLocaleString('en') + ')');
    return;
  }
  try {
    const p = await getJson('api/predict?name=' + encodeURIComponent(file.name), { method: 'POST', body: file });
    state.poster = p.id;
    showPrediction(p);
    loadLayers(p.id);
    loadSaliency(p.id);
  } catch (e) {
    showError(file.name + ': ' + e.message);
  }
}

async function pickTest(index) {
  clearError();
  try {
    const p = await getJson('api/test?index=' + index);
    state.poster = p.id;
    showPrediction(p);
    loadLayers(p.id);
    loadSaliency(p.id);
  } catch (e) {
    showError('test poster ' + index + ': ' + e.message);
  }
}

async function loadTests() {
  const t = await getJson('api/tests');
  if (t.count === 0) return;
  const select = $('tests');
  for (const p of t.posters) {
    select.append(el('option', { value: p.index, text: p.id + ': ' + (p.genres.length ? p.genres.join(', ') : 'no genre') }));
  }
  $('tests-label').hidden = false;
  $('tests-label').title = t.count + ' test posters of ' + t.description;
}

function showPrediction(p) {
  $('input').src = p.input;
  $('input-figure').hidden = false;
  const side = state.model.imageSize;
  $('input-caption').textContent = 'the model\'s input: ' + p.name + ' resized to ' + side + ' x ' + side + ', 3 channels';
  $('result').hidden = false;
  $('decided').textContent = 'decided: ' + (p.decided.length ? p.decided.join(', ') : 'no genre');
  $('truth').hidden = !p.truth;
  if (p.truth) $('truth').textContent = 'true genres: ' + (p.truth.length ? p.truth.join(', ') : 'none');
  $('rule').textContent = 'rule: ' + p.rule + ' (the black tick on each bar is its threshold; forward pass '
      + fmt(p.forwardMillis, 1) + ' ms)';
  const bars = $('bars');
  bars.replaceChildren();
  const sorted = p.bars.slice().sort((a, b) => b.p - a.p);
  for (const b of sorted) {
    const fill = el('div', { class: 'bar-fill' });
    fill.style.width = (100 * b.p) + '%';
    const tick = el('div', { class: 'bar-threshold', title: 'threshold ' + fmt(b.threshold, 2) });
    tick.style.left = (100 * Math.min(b.threshold, 1)) + '%';
    bars.append(el('div', { class: 'bar' + (b.decided ? ' decided' : ''), 'data-genre': b.genre },
        el('span', { class: 'bar-genre', text: b.genre }),
        el('div', { class: 'bar-track' }, fill, tick),
        el('span', { class: 'bar-value', text: b.label })));
  }
}

// ---- every layer --------------------------------------------------------------------------

async function loadLayers(id) {
  try {
    const r = await getJson('api/layers?id=' + id);
    if (state.poster !== id) return;
    state.layers = r.layers;
    $('layers-panel').hidden = false;
    $('zoom').hidden = true;
    const box = $('layers');
    box.replaceChildren();
    for (const l of r.layers) box.append(layerCard(id, l));
  } catch (e) {
    showError('layers: ' + e.message);
  }
}

function layerCard(id, l) {
  const card = el('div', { class: 'layer', id: 'layer-' + l.name },
      el('h3', { text: l.name + ' (' + l.type + ')' }),
      el('div', { text: 'output ' + shape(l.shape) + ', ' + l.params.toLocaleString('en') + ' parameters' }),
      el('div', { class: 'small', text: 'values ' + fmt(l.min, 3) + ' to ' + fmt(l.max, 3) }));
  if (l.image) {
    const img = el('img', { src: 'api/montage?id=' + id + '&layer=' + l.index, alt: l.name + "'s maps", 'data-layer': l.index });
    img.addEventListener('click', ev => {
      const scale = img.naturalWidth / img.clientWidth;
      const px = ev.offsetX * scale, py = ev.offsetY * scale;
      const w = l.shape[2], h = l.shape[1];
      const col = Math.floor((px - l.gap) / (w + l.gap)), row = Math.floor((py - l.gap) / (h + l.gap));
      const channel = row * l.columns + col;
      if (col >= 0 && col < l.columns && channel >= 0 && channel < l.shape[0]) openZoom(id, l, channel);
    });
    card.append(img);
  } else if (l.values) {
    const c = el('canvas', { width: 240, height: 40 });
    drawStrip(c, l.values);
    card.append(c);
  } else {
    card.append(el('div', { class: 'small', text: 'the maps before it, read as one row of ' + l.shape[0].toLocaleString('en') + ' values' }));
  }
  return card;
}

function drawStrip(canvas, values) {
  const g = canvas.getContext('2d');
  const max = Math.max(1e-12, ...values.map(Math.abs));
  const w = canvas.width / values.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] / max;
    g.fillStyle = v >= 0 ? '#d0682d' : '#3b6ea5';
    const hgt = Math.abs(v) * canvas.height / 2;
    g.fillRect(i * w, v >= 0 ? canvas.height / 2 - hgt : canvas.height / 2, Math.max(w, 1), hgt);
  }
}

function openZoom(id, l, channel) {
  const zoom = $('zoom');
  zoom.hidden = false;
  zoom.dataset.layer = l.index;
  zoom.dataset.channel = channel;
  $('zoom-title').textContent = l.name + ', map ' + channel + ' of ' + l.shape[0] + ', ' + l.shape[1] + ' x ' + l.shape[2]
      + (l.conv ? ': click a value to see how it was computed' : ': click a value to read it');
  $('detail').replaceChildren();
  const img = $('zoom-img');
  img.onclick = ev => {
    const x = Math.min(l.shape[2] - 1, Math.floor(ev.offsetX / img.clientWidth * l.shape[2]));
    const y = Math.min(l.shape[1] - 1, Math.floor(ev.offsetY / img.clientHeight * l.shape[1]));
    showValue(id, l, channel, y, x);
  };
  img.src = 'api/map?id=' + id + '&layer=' + l.index + '&channel=' + channel;
  zoom.scrollIntoView({ block: 'nearest' });
}

function grid(values, offset, rows, cols) {
  const t = el('table');
  for (let i = 0; i < rows; i++) {
    const tr = el('tr');
    for (let j = 0; j < cols; j++) tr.append(el('td', { text: fmt(values[offset + i * cols + j], 4) }));
    t.append(tr);
  }
  return t;
}

async function showValue(id, l, channel, y, x) {
  const detail = $('detail');
  try {
    const v = await getJson('api/value?id=' + id + '&layer=' + l.index + '&channel=' + channel + '&y=' + y + '&x=' + x);
    const items = [el('p', {}, l.name + '[' + channel + '][' + y + '][' + x + '] = ',
        el('strong', { id: 'value-shown', text: fmt(v.value, 6) }), ' (the map\'s value, computed by the model\'s backend)')];
    if (v.window) {
      const taps = v.kh * v.kw;
      items.push(el('p', { class: 'formula', text: 'y[k][oy][ox] = Σ over c, i, j of W[k][c][i][j] · x[c][oy+i][ox+j] + b[k],  with k = '
          + channel + ', x = the output of ' + v.inputLayer + ' (' + v.channels + ' channels)' }));
      const rows = el('table');
      rows.append(el('tr', {}, el('td', { text: 'c' }), el('td', { text: 'window x[c]' }), el('td', { text: 'kernel W[k][c]' }),
          el('td', { text: 'Σ W · x' })));
      for (let c = 0; c < v.channels; c++) {
        rows.append(el('tr', {}, el('td', { text: String(c) }), el('td', {}, grid(v.window, c * taps, v.kh, v.kw)),
            el('td', {}, grid(v.kernel, c * taps, v.kh, v.kw)), el('td', { text: fmt(v.partials[c], 6) })));
      }
      items.push(el('div', { class: 'channels' }, rows));
      const products = v.partials.reduce((a, b) => a + b, 0);
      items.push(el('p', { class: 'formula' }, 'Σ of the ' + (v.channels * taps) + ' products = ' + fmt(products, 6) + ';  + bias b['
          + channel + '] = ' + fmt(v.bias, 6) + '  =  ', el('strong', { id: 'sum', text: fmt(v.sum, 6) }),
          ' (the reference backend, float64)'));
    }
    detail.replaceChildren(...items);
  } catch (e) {
    showError('value: ' + e.message);
  }
}

// ---- why these genres ---------------------------------------------------------------------

async function loadSaliency(id) {
  try {
    const s = await getJson('api/saliency?id=' + id);
    if (state.poster !== id) return;
    $('saliency-panel').hidden = false;
    $('saliency').src = s.image;
    $('saliency-text').textContent = 'top genre: ' + s.genre + ' (' + fmt(s.p, 4) + '). Red: how much each pixel moves its logit, '
        + '|d logit / d pixel|, the largest of the 3 channels, from one backward pass to the input.';
  } catch (e) {
    showError('saliency: ' + e.message);
  }
}

// ---- training, live -----------------------------------------------------------------------

function drawChart(canvas, series) {
  const g = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, L = 48, B = 20, T = 8, R = 8;
  g.clearRect(0, 0, W, H);
  const all = series.flatMap(s => s.values.filter(v => v !== null && isFinite(v)));
  const n = Math.max(1, ...series.map(s => s.values.length));
  g.strokeStyle = '#999';
  g.strokeRect(L, T, W - L - R, H - T - B);
  if (all.length === 0) return;
  let lo = Math.min(...all), hi = Math.max(...all);
  if (hi === lo) { hi += Math.abs(hi) * 0.1 + 1e-9; lo -= Math.abs(lo) * 0.1 + 1e-9; }
  const X = i => L + (n === 1 ? (W - L - R) / 2 : i * (W - L - R) / (n - 1));
  const Y = v => T + (hi - v) / (hi - lo) * (H - T - B);
  g.fillStyle = '#444';
  g.font = '10px sans-serif';
  g.fillText(Number(hi.toPrecision(3)).toString(), 2, T + 8);
  g.fillText(Number(lo.toPrecision(3)).toString(), 2, H - B);
  g.fillText('epoch 1', L, H - 6);
  g.fillText(String(n), W - R - 12, H - 6);
  for (const s of series) {
    g.strokeStyle = s.color;
    g.fillStyle = s.color;
    g.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      if (v === null || !isFinite(v)) return;
      if (started) g.lineTo(X(i), Y(v)); else g.moveTo(X(i), Y(v));
      started = true;
      g.fillRect(X(i) - 2, Y(v) - 2, 4, 4);
    });
    g.stroke();
  }
}

function redrawCurves() {
  const e = state.epochs;
  drawChart($('loss-chart'), [{ values: e.map(r => r.trainLoss), color: '#3b6ea5' }, { values: e.map(r => r.valLoss), color: '#d0682d' }]);
  drawChart($('f1-chart'), [{ values: e.map(r => r.microF1), color: '#3a8d5d' }, { values: e.map(r => r.macroF1), color: '#8a4fb0' }]);
  drawChart($('lr-chart'), [{ values: state.epochLr, color: '#444' }]);
}

function startLive() {
  $('training-panel').hidden = false;
  const source = new EventSource('api/events');
  source.addEventListener('hello', () => { $('live-status').textContent = 'connected: each epoch appears as the run writes it'; });
  source.addEventListener('reset', () => {
    state.epochs = [];
    state.epochLr = [];
    $('epochs').tBodies[0].replaceChildren();
    redrawCurves();
  });
  source.addEventListener('epoch', ev => {
    const r = JSON.parse(ev.data);
    if (state.epochs.some(x => x.epoch === r.epoch)) return;
    state.epochs.push(r);
    $('epochs').tBodies[0].append(el('tr', { class: 'epoch-row', 'data-epoch': r.epoch }, ...[r.epoch, fmt(r.trainLoss, 4),
        fmt(r.valLoss, 4), fmt(r.microF1, 4), fmt(r.macroF1, 4), fmt(r.oneError, 4), fmt(r.seconds, 1)].map(v => el('td', { text: String(v) }))));
    $('live-status').textContent = 'epoch ' + r.epoch + ' done';
    redrawCurves();
  });
  source.addEventListener('progress', ev => {
    const p = JSON.parse(ev.data);
    $('progress-bar').style.width = (100 * p.step / p.steps) + '%';
    $('progress-text').textContent = 'epoch ' + p.epoch + ' of ' + p.epochs + ': step ' + p.step + ' of ' + p.steps
        + ', running loss ' + fmt(p.loss, 4) + ', learning rate ' + Number(p.lr).toPrecision(3);
    state.epochLr = p.epochLr || [];
    redrawCurves();
  });
  source.addEventListener('filters', ev => {
    const f = JSON.parse(ev.data);
    $('filters').src = f.image;
    $('filters-figure').hidden = false;
    $('filters-caption').textContent = "conv2d_1's 32 filters (3 x 3, in colour) after epoch " + f.epoch;
  });
  source.addEventListener('busy', ev => { $('live-status').textContent = JSON.parse(ev.data).error; source.close(); });
  source.onerror = () => { $('live-status').textContent = 'the run\'s server does not answer (the run may have ended); trying again'; };
}

// ---- start --------------------------------------------------------------------------------

async function start() {
  try {
    const m = await getJson('api/model');
    state.model = m;
    if (m.model) {
      $('model-line').textContent = m.checkpoint + ': ' + m.parameters.toLocaleString('en') + ' parameters, '
          + m.genres.length + ' genres, ' + m.imageSize + ' x ' + m.imageSize + ' posters, on ' + m.backend;
    } else {
      $('model-line').textContent = 'no model loaded (serve -c CHECKPOINT shows one)';
      $('poster-panel').hidden = true;
    }
    if (m.model) await loadTests();
    if (m.live) startLive();
  } catch (e) {
    showError('the model: ' + e.message);
  }
}

$('file').addEventListener('change', ev => { if (ev.target.files.length) upload(ev.target.files[0]); });
const drop = $('drop');
drop.addEventListener('dragover', ev => { ev.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', ev => {
  ev.preventDefault();
  drop.classList.remove('over');
  if (ev.dataTransfer.files.length) upload(ev.dataTransfer.files[0]);
});
$('tests').addEventListener('change', ev => { if (ev.target.value !== '') pickTest(ev.target.value); });
$('zoom-close').addEventListener('click', () => { $('zoom').hidden = true; });
start();
