// Draws the report's charts with uPlot from the JSON in #report-data (built by ReportCharts).
// A chart is drawn when its section is first shown (wallet pages are hidden until targeted), so
// it is sized to the width it gets. window.lakehouseReport tells a test what was drawn.
(function () {
  'use strict';
  var PALETTE = ['#2563eb', '#f59e0b', '#dc2626', '#16a34a', '#9333ea', '#0891b2', '#db2777', '#65a30d',
    '#ea580c', '#475569', '#0d9488', '#7c3aed'];
  var DAY = 86400;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var state = window.lakehouseReport = { drawn: 0, charts: {} };

  function number(v) {
    if (v == null) {
      return '–';
    }
    var a = Math.abs(v);
    if (a >= 1000) {
      return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
    }
    return a >= 100 || a === Math.round(a) ? String(Math.round(v * 100) / 100) : v.toPrecision(4);
  }

  function utcDay(seconds) {
    return new Date(seconds * 1000).toISOString().slice(0, 10);
  }

  // Stacked bars: each series drawn from 0 to the sum of it and those before it, the tallest first.
  function stack(series) {
    var sums = series[0].values.map(function () { return 0; });
    var stacked = series.map(function (s) {
      return s.values.map(function (v, i) { sums[i] += v || 0; return sums[i]; });
    });
    return stacked.reverse();
  }

  function options(spec, width) {
    var bars = spec.kind !== 'line';
    var pad = spec.time ? DAY / 2 : 0.5;
    var named = spec.kind === 'stacked' ? spec.series.slice().reverse() : spec.series;
    var series = [{
      label: spec.time ? 'day' : 'bin',
      value: function (u, v) {
        return v == null ? '–' : spec.time ? utcDay(v) : spec.xLabels[v];
      }
    }];
    named.forEach(function (s, i) {
      var color = PALETTE[(spec.kind === 'stacked' ? named.length - 1 - i : i) % PALETTE.length];
      series.push({
        label: s.name,
        stroke: color,
        width: bars ? 1 : 2,
        fill: bars ? color + 'cc' : undefined,
        points: { show: !bars, size: 6 },
        paths: bars ? uPlot.paths.bars({ size: [0.7, 60], align: 0 }) : undefined,
        value: function (u, v, si, idx) {
          return idx == null ? '–' : number(s.values[idx]);
        }
      });
    });
    var xAxis = { stroke: '#475569', grid: { stroke: '#e2e8f0' } };
    if (spec.time) {
      // ticks on whole days (uPlot would add half days to a short range), as many as fit
      var years = utcDay(spec.x[0]).slice(0, 4) !== utcDay(spec.x[spec.x.length - 1]).slice(0, 4);
      var every = Math.max(1, Math.ceil(spec.x.length * (years ? 84 : 48) / Math.max(100, width - 90)));
      xAxis.splits = function () { return spec.x.filter(function (v, i) { return i % every === 0; }); };
      xAxis.values = function (u, splits) {
        return splits.map(function (v) { return years ? utcDay(v) : utcDay(v).slice(5); });
      };
    } else {
      xAxis.splits = function () { return spec.x; };
      xAxis.values = function (u, splits) { return splits.map(function (i) { return spec.xLabels[i]; }); };
      xAxis.rotate = -40;
      // room for the longest label, slanted
      xAxis.size = Math.min(200, 24 + 4.6 * Math.max.apply(null, spec.xLabels.map(function (l) { return l.length; })));
      xAxis.grid = { show: false };
    }
    return {
      width: width,
      height: 260,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      scales: {
        // half a step of room on each side, so a lone day or the outer bars show whole
        x: { time: spec.time, auto: false, min: spec.x[0] - pad, max: spec.x[spec.x.length - 1] + pad },
        y: { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.08 : 1]; } }
      },
      axes: [xAxis, { label: spec.yName, stroke: '#475569', grid: { stroke: '#e2e8f0' }, size: 60 }],
      series: series
    };
  }

  function draw(element) {
    var spec = data.charts[element.dataset.chart];
    var values = spec.kind === 'stacked' ? stack(spec.series)
      : spec.series.map(function (s) { return s.values; });
    var width = Math.max(320, Math.floor(element.getBoundingClientRect().width));
    state.charts[element.dataset.chart] = new uPlot(options(spec, width), [spec.x].concat(values), element);
    state.drawn++;
  }

  function drawShown() {
    document.querySelectorAll('[data-chart]').forEach(function (element) {
      if (!element.dataset.drawn && element.offsetParent !== null) {
        element.dataset.drawn = 'yes';
        draw(element);
      }
    });
  }

  window.addEventListener('hashchange', drawShown);
  drawShown();
})();
