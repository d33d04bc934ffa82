/* backstride: progressive enhancement only. Every page works without this file.
   - charts: the server's SVG becomes an interactive uPlot chart (hover values, drag to zoom,
     double-click to reset), from the JSON block beside it;
   - booking: a form of class "once" is sent once per page;
   - upload: drag and drop, one request per file with its own progress bar, then the import's
     progress polled by htmx (the fragment the server returns carries hx-trigger);
   No inline script anywhere: the page's CSP is default-src 'self'. */
(function () {
  "use strict";

  var VARS = { s1: "--c1", s2: "--c2", s3: "--c3", s4: "--c4" };

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function colourOf(cls) {
    var first = (cls || "s1").split(" ")[0];
    return cssVar(VARS[first] || "--c1") || "#2563eb";
  }

  function mmss(seconds) {
    var total = Math.round(seconds), h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60), s = total % 60;
    var tail = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + (m < 10 ? "0" : "") + m + ":" + tail : m + ":" + tail;
  }

  function fmt(v, unit, kind) {
    if (v === null || v === undefined) { return "—"; }
    if (kind === "pace") { return mmss(v) + " /km"; }
    var n = Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
    return unit ? n + " " + unit : n;
  }

  function buildChart(fig) {
    if (!window.uPlot) { return; }
    var block = document.getElementById(fig.getAttribute("data-chart"));
    var live = fig.querySelector(".live");
    if (!block || !live) { return; }
    var data;
    try { data = JSON.parse(block.textContent); } catch (e) { return; }
    if (!data.x || !data.x.length) { return; }
    live.textContent = "";
    var muted = cssVar("--muted"), grid = cssVar("--grid");
    var xs = data.x;
    var columns = [xs];
    var elapsed = data.x_kind === "elapsed";
    var series = [elapsed ? { label: "Time", value: function (u, v) { return v === null ? "—" : mmss(v); } } : {}];
    data.series.forEach(function (s) {
      var colour = colourOf(s.cls);
      var cfg = {
        label: s.label,
        stroke: colour,
        width: s.cls.indexOf("thin") >= 0 ? 1.3 : 2,
        spanGaps: !!s.join,
        value: function (u, v) { return fmt(v, data.unit, data.y_kind); },
        points: { show: false }
      };
      if (s.kind === "bar") {
        cfg.paths = uPlot.paths.bars({ size: [0.8, 80], align: 1 });
        cfg.fill = colour;
      } else if (s.kind === "dots") {
        cfg.paths = function () { return null; };
        cfg.points = { show: true, size: 6, fill: colour, stroke: colour };
      } else if (s.kind === "area") {
        cfg.fill = colour + "40";
        cfg.width = 1;
      }
      series.push(cfg);
      columns.push(s.values);
    });
    if (data.markers && data.markers.length) {
      var marks = xs.map(function () { return null; });
      data.markers.forEach(function (m) {
        var i = xs.indexOf(m.x);
        if (i >= 0) { marks[i] = m.y; }
      });
      var alertColour = cssVar("--alert");
      series.push({
        label: "spike",
        stroke: alertColour,
        paths: function () { return null; },
        points: { show: true, size: 9, fill: alertColour, stroke: alertColour },
        value: function (u, v) { return v === null ? "" : "yes"; }
      });
      columns.push(marks);
    }
    var asClock = function (u, vals) { return vals.map(function (v) { return mmss(v); }); };
    var xAxis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    var yAxis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 48 };
    if (elapsed) {
      xAxis.values = asClock;
      xAxis.incrs = [60, 120, 300, 600, 900, 1200, 1800, 3600, 7200];
    } else {
      var dayMonth = uPlot.fmtDate("{D} {MMM}");
      xAxis.values = function (u, vals) {
        return vals.map(function (v) { return dayMonth(uPlot.tzDate(new Date(v * 1000), "Etc/UTC")); });
      };
    }
    if (data.y_kind === "pace") {
      yAxis.values = asClock;
      yAxis.incrs = [5, 10, 15, 20, 30, 60, 120, 300];
    }
    var bandFill = cssVar("--surface-2"), okFill = cssVar("--ok-bg"), refColour = muted;
    var width = Math.max(live.clientWidth || fig.clientWidth || 320, 260);
    var opts = {
      width: width,
      height: width < 480 ? 200 : 240,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      series: series,
      scales: { x: { time: !elapsed }, y: { range: [data.y.min, data.y.max], dir: data.invert_y ? -1 : 1 } },
      axes: [xAxis, yAxis],
      cursor: { drag: { x: true, y: false }, points: { size: 8 } },
      legend: { live: true },
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx;
          (data.bands || []).forEach(function (b) {
            var top = u.valToPos(b.high, "y", true), bottom = u.valToPos(b.low, "y", true);
            ctx.save();
            ctx.fillStyle = b.cls === "ok" ? okFill : bandFill;
            ctx.fillRect(u.bbox.left, top, u.bbox.width, bottom - top);
            ctx.restore();
          });
        }],
        draw: [function (u) {
          var ctx = u.ctx;
          (data.refs || []).forEach(function (r) {
            var y = u.valToPos(r.y, "y", true);
            ctx.save();
            ctx.strokeStyle = refColour;
            ctx.setLineDash([4, 3]);
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.restore();
          });
        }]
      }
    };
    fig._uplot = new uPlot(opts, columns, live);
    fig.classList.add("enhanced");
  }

  function buildCharts(root) {
    var figs = (root || document).querySelectorAll("figure.chart[data-chart]");
    Array.prototype.forEach.call(figs, function (fig) {
      if (fig._uplot) { fig._uplot.destroy(); fig._uplot = null; }
      buildChart(fig);
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { buildCharts(document); }, 200);
  });
  if (window.matchMedia) {
    var mq = window.matchMedia("(prefers-color-scheme: dark)");
    if (mq.addEventListener) { mq.addEventListener("change", function () { buildCharts(document); }); }
  }

  /* ---- upload: drag and drop, one request per file with a progress bar ---- */
  function csrfToken(form) {
    var field = form.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function uploadOne(form, file, list) {
    var item = document.createElement("li");
    var name = document.createElement("p");
    name.className = "name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.className = "progress";
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + file.name);
    var state = document.createElement("p");
    state.className = "muted";
    state.setAttribute("role", "status");
    state.textContent = "Uploading…";
    item.appendChild(name);
    item.appendChild(bar);
    item.appendChild(state);
    list.appendChild(item);
    var body = new FormData();
    body.append("csrf_token", csrfToken(form));
    body.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    xhr.setRequestHeader("HX-Request", "true");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken(form));
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    xhr.addEventListener("load", function () {
      var holder = document.createElement("div");
      holder.innerHTML = xhr.responseText;
      var fragment = holder.querySelector("[data-upload-result]");
      if (fragment) {
        item.replaceWith(fragment);
        if (window.htmx) { window.htmx.process(fragment); }
      } else {
        bar.remove();
        state.textContent = xhr.status >= 400 ? "Refused (" + xhr.status + ")" : "Sent";
      }
    });
    xhr.addEventListener("error", function () {
      state.textContent = "The connection broke; try this file again.";
    });
    xhr.send(body);
  }

  function enhanceUpload(form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector(".dropzone");
    var list = document.getElementById("upload-results");
    if (!input || !zone || !list || !window.FormData || !window.XMLHttpRequest) { return; }
    function send(files) {
      Array.prototype.forEach.call(files, function (f) { uploadOne(form, f, list); });
      input.value = "";
    }
    form.addEventListener("submit", function (e) {
      if (!input.files || !input.files.length) { return; }
      e.preventDefault();
      send(input.files);
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) { send(e.dataTransfer.files); }
    });
    form.classList.add("enhanced");
  }

  /* Intake wizard: a question asked only after an answer on the same page (data-when, the
     form model's condition as JSON) is shown when that answer makes it apply. Without this
     file every question shows and the server ignores an answer that does not apply. */
  function answerOf(form, known, path) {
    var inputs = form.querySelectorAll('[name="' + path + '"]');
    if (!inputs.length) { return Object.prototype.hasOwnProperty.call(known, path) ? known[path] : null; }
    var first = inputs[0];
    if (first.type === "checkbox") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
    }
    if (first.type === "radio") {
      var picked = Array.prototype.filter.call(inputs, function (i) { return i.checked; })[0];
      return picked ? picked.value : null;
    }
    return first.value.trim() === "" ? null : first.value.trim();
  }

  function same(answer, wanted) {
    if (typeof wanted === "boolean" && typeof answer === "string") {
      return (answer === "yes") === wanted && (answer === "yes" || answer === "no");
    }
    return String(answer) === String(wanted);
  }

  function holds(cond, form, known) {
    if (cond.all) { return cond.all.every(function (c) { return holds(c, form, known); }); }
    if (cond.any) { return cond.any.some(function (c) { return holds(c, form, known); }); }
    var v = answerOf(form, known, cond.path);
    var hit = function (x) { return cond.values.some(function (w) { return same(x, w); }); };
    if (cond.op === "given") { return v !== null && !(Array.isArray(v) && !v.length); }
    if (cond.op === "intersects") { return Array.isArray(v) && v.some(hit); }
    if (cond.op === "in") { return v !== null && !Array.isArray(v) && hit(v); }
    return v === null || Array.isArray(v) || !hit(v);
  }

  function enhanceWizard(form) {
    var known = {};
    try { known = JSON.parse(form.getAttribute("data-known") || "{}"); } catch (e) { known = {}; }
    var fields = form.querySelectorAll("[data-when]");
    if (!fields.length) { return; }
    function update() {
      Array.prototype.forEach.call(fields, function (el) {
        var cond;
        try { cond = JSON.parse(el.getAttribute("data-when")); } catch (e) { return; }
        el.hidden = !holds(cond, form, known);
      });
    }
    form.classList.add("js-when");
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  // booking forms (class "once"): the second click of a double click is not sent; the form's
  // idempotency key makes a repeat harmless anyway (decision 0054)
  function sendOnce(form) {
    form.addEventListener("submit", function (e) {
      if (form.getAttribute("data-sent") === "1") { e.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-wizard]"), enhanceWizard);
    buildCharts(document);
    Array.prototype.forEach.call(document.querySelectorAll("form.once"), sendOnce);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), enhanceUpload);
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", function (e) {
    buildCharts(e.target);
    var focus = e.target.querySelector && e.target.querySelector("[data-focus-after-swap]");
    if (focus) { focus.focus(); }
  });
})();
