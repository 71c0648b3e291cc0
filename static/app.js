// Parley's behaviours beyond plain HTML: the issue chart, keyboard shortcuts and the timeline's filters.
// Every page works without this file; it only adds comfort.
(function () {
  "use strict";

  var STANCE_LABELS = { "1": "supports", "0.5": "conditional", "0": "neutral", "-1": "opposes" };
  var COLOURS = ["#1f5fbf", "#b3261e", "#1d7a46", "#9a5b00", "#6b3fa0", "#00838f",
                 "#c2185b", "#5d4037", "#455a64", "#7cb342", "#f4511e", "#3949ab"];

  var DAY = 24 * 3600 * 1000;

  // The time axis runs from the first statement the chart counts to the last (a fortnight
  // either side of a single day, so that it is never an empty range).
  function timeSpan(span) {
    var first = span && span.first ? Date.parse(span.first) : NaN;
    var last = span && span.last ? Date.parse(span.last) : NaN;
    if (isNaN(first) || isNaN(last)) { return { min: undefined, max: undefined }; }
    if (last - first < DAY) { return { min: first - 15 * DAY, max: last + 15 * DAY }; }
    return { min: first, max: last };
  }

  function dayLabel(value) {
    var day = new Date(value);
    return day.toISOString().slice(0, day.getUTCDate() === 1 ? 7 : 10);
  }

  // Ticks on the first of the month (at most a dozen); a span within one month gets its ends.
  function timeTicks(min, max) {
    var start = new Date(min);
    var month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
    var months = [];
    if (month.getTime() < min) { month.setUTCMonth(month.getUTCMonth() + 1); }
    while (month.getTime() <= max) { months.push(month.getTime()); month.setUTCMonth(month.getUTCMonth() + 1); }
    if (months.length < 2) { months = [min, max]; }
    var step = Math.ceil(months.length / 12);
    return months.filter(function (_value, index) { return index % step === 0; })
      .map(function (value) { return { value: value }; });
  }

  function drawChart(canvas) {
    if (!window.Chart) { return; }
    fetch(canvas.dataset.chartUrl, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var datasets = data.series.map(function (series, index) {
          return {
            label: series.actor,
            data: series.points.map(function (p) { return { x: Date.parse(p.date), y: p.value, id: p.statement_id }; }),
            stepped: true,
            borderColor: COLOURS[index % COLOURS.length],
            backgroundColor: COLOURS[index % COLOURS.length],
            pointRadius: 4
          };
        });
        var span = timeSpan(data.span);
        canvas.chart = new window.Chart(canvas, {
          type: "line",
          data: { datasets: datasets },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            parsing: false,
            scales: {
              x: {
                type: "linear",
                min: span.min,
                max: span.max,
                afterBuildTicks: function (axis) { axis.ticks = timeTicks(axis.min, axis.max); },
                ticks: { callback: function (v) { return dayLabel(v); } }
              },
              y: { min: -1.2, max: 1.2, ticks: { stepSize: 0.5, callback: function (v) { return STANCE_LABELS[String(v)] || ""; } } }
            },
            onClick: function (_event, elements) {
              if (!elements.length) { return; }
              var point = datasets[elements[0].datasetIndex].data[elements[0].index];
              if (point.id) { window.location.href = "/statements/" + point.id; }
            }
          }
        });
        canvas.dataset.rendered = "true";
      });
  }

  // Every htmx request that changes something carries the page's CSRF token.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta && event.detail.verb !== "get") { event.detail.headers["X-CSRF-Token"] = meta.content; }
  });

  function items() { return Array.prototype.slice.call(document.querySelectorAll("article.statement")); }

  function move(step) {
    var list = items();
    if (!list.length) { return; }
    var current = list.indexOf(document.querySelector("article.statement.is-current"));
    var next = Math.min(Math.max(current + step, 0), list.length - 1);
    if (current >= 0) { list[current].classList.remove("is-current"); }
    list[next].classList.add("is-current");
    list[next].focus();
    list[next].scrollIntoView({ block: "nearest" });
  }

  function toggleHelp() {
    var help = document.getElementById("shortcuts");
    if (help) { help.hidden = !help.hidden; }
  }

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "/") {
      var search = document.querySelector("input[name=q]");
      if (search) { search.focus(); event.preventDefault(); }
    }
    else if (event.key === "?") { toggleHelp(); event.preventDefault(); }
    else if (event.key === "c" || event.key === "x" || event.key === "e") { review(event.key); event.preventDefault(); }
    else if (event.key === "Enter") {
      var current = document.querySelector("article.statement.is-current a.evidence");
      if (current) { current.click(); }
    }
  });

  // The review queue: c confirms, x rejects, e edits the current statement; after a confirm or
  // reject the next one becomes current, so a queue can be worked through from the keyboard.
  var advanceFrom = null;

  function review(key) {
    var current = document.querySelector("article.statement.is-current");
    var item = current && current.closest(".review-item");
    var action = item && item.querySelector('[data-key="' + key + '"]');
    if (!action) { return; }
    advanceFrom = key === "e" ? null : items().indexOf(current);
    action.click();
  }

  document.addEventListener("htmx:afterSettle", function () {
    if (advanceFrom === null) { return; }
    var list = items();
    var next = list[Math.min(advanceFrom + 1, list.length - 1)];
    advanceFrom = null;
    if (next) { next.classList.add("is-current"); next.focus(); next.scrollIntoView({ block: "nearest" }); }
  });

  // The article view: selecting words fills in the span of the "add a statement" form.
  // Offsets count Unicode code points, as Python does (JavaScript counts UTF-16 units).
  function codePoints(text) { return Array.from(text).length; }

  function offsetIn(container, node, offset) {
    if (node === container) {
      var child = container.children[offset];
      return child ? parseInt(child.dataset.offset, 10) : parseInt(container.dataset.articleLength, 10);
    }
    var element = node.nodeType === 3 ? node.parentElement : node;
    var run = element && element.closest("[data-offset]");
    if (!run || !container.contains(run)) { return null; }
    var range = document.createRange();
    range.setStart(run, 0);
    range.setEnd(node, offset);
    return parseInt(run.dataset.offset, 10) + codePoints(range.toString());
  }

  function captureSelection() {
    var container = document.getElementById("article-text");
    var panel = document.getElementById("add-statement");
    var selection = window.getSelection();
    if (!container || !panel || !selection || selection.isCollapsed || !selection.rangeCount) { return; }
    var range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) { return; }
    var start = offsetIn(container, range.startContainer, range.startOffset);
    var end = offsetIn(container, range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) { return; }
    panel.querySelector("input[name=start]").value = start;
    panel.querySelector("input[name=end]").value = end;
    var preview = document.getElementById("selection-preview");
    preview.textContent = "“" + range.toString() + "” (characters " + start + "–" + end + ")";
    preview.hidden = false;
    panel.open = true;
  }

  document.addEventListener("mouseup", captureSelection);
  document.addEventListener("keyup", function (event) { if (event.shiftKey) { captureSelection(); } });

  // Leave empty fields out of filter URLs, so a shared view reads "?actor=…&issue=…".
  document.addEventListener("htmx:configRequest", function (event) {
    var params = event.detail.parameters;
    if (!params || event.detail.verb !== "get") { return; }
    if (typeof params.entries === "function") {
      var entries = Array.from(params.entries());
      Array.from(new Set(entries.map(function (entry) { return entry[0]; })))
        .forEach(function (key) { params.delete(key); });
      entries.forEach(function (entry) { if (entry[1] !== "") { params.append(entry[0], entry[1]); } });
      return;
    }
    Object.keys(params).forEach(function (key) {
      var kept = [].concat(params[key]).filter(function (value) { return value !== ""; });
      if (kept.length) { params[key] = kept; } else { delete params[key]; }
    });
  });

  // The timeline's filter form. After each change its lists of choices come back with their
  // counts (/timeline/facets, swapped in out of band): the lists only, never the boxes someone may
  // be typing in.
  function filterForm() { return document.getElementById("filters"); }

  // A date box applies once its date is whole. Chromium reports each digit of a year typed as a
  // date (0002, 0020, 0202, 2025); the box's min makes the first three invalid, so they wait.
  document.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.triggeringEvent;
    var box = trigger && trigger.target;
    if (event.detail.elt !== filterForm() || !trigger || trigger.type !== "change") { return; }
    if (box && box.type === "date" && !box.validity.valid) { event.preventDefault(); }
  });

  var sentActor = null;
  var listScroll = {};

  document.addEventListener("htmx:configRequest", function (event) {
    var box = document.getElementById("actor-input");
    if (event.detail.elt === filterForm() && box) { sentActor = box.value; }
  });

  // The actor box adds one actor: once the actor is a ticked choice the box empties for the next
  // one (left filled, it would keep the actor chosen after the tick is taken off). A name that
  // names nobody stays, beside the page's message about it.
  function clearAddedActor() {
    var box = document.getElementById("actor-input");
    if (!box || !box.value || box.value !== sentActor) { return; }
    var unknown = Array.prototype.some.call(
      document.querySelectorAll("#filter-problems [data-field=actor]"),
      function (item) { return item.dataset.value === box.value; });
    if (!unknown) { box.value = ""; }
  }

  // Counts that arrive once a newer request of the form is on its way (its own counts follow),
  // or for results replaced since, are dropped: a count never undoes a click. (The loader
  // targets the form so that this event reaches the document even after the loader is gone.)
  document.addEventListener("htmx:beforeSwap", function (event) {
    var loader = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!loader || !loader.classList || !loader.classList.contains("facet-loader")) { return; }
    var form = filterForm();
    if (!form || !document.body.contains(loader) || form.classList.contains("htmx-request")) {
      event.detail.shouldSwap = false;
      return;
    }
    form.querySelectorAll(".facet-list[id]").forEach(function (list) { listScroll[list.id] = list.scrollTop; });
    clearAddedActor();
  });

  // A list scrolled to an outlet stays there when its counts come in.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var list = event.target;
    if (list.id && listScroll[list.id]) { list.scrollTop = listScroll[list.id]; }
  });

  function init() {
    document.querySelectorAll("canvas[data-chart-url]").forEach(drawChart);
  }
  // Deferred scripts run before DOMContentLoaded, in order: wait for it so that the chart
  // library (deferred after this file) is there.
  if (document.readyState === "complete") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
