// The command screen (a static file: the Content-Security-Policy allows no inline script). It polls the
// data endpoint every minute: today's figures (live, at most a minute old) with the morning's briefing
// beside them where they differ, the trend of past days from the briefings, and the communities placed
// by their own coordinates (no map tiles), coloured by the chosen figure. Every figure opens its list.
(function () {
  "use strict";
  var root, charts = {}, last = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function fmt(template, key, value) { return template.replace("{" + key + "}", value); }

  function figures(data) {
    var box = document.getElementById("command-figures");
    box.replaceChildren();
    data.sections.forEach(function (s) {
      if (!s.figures.length) return;
      var sec = el("section", "command-section");
      sec.dataset.section = s.key;
      sec.appendChild(el("h2", "", s.title));
      var row = el("div", "figures");
      s.figures.forEach(function (f) {
        var card = el(f.link ? "a" : "div", "figure-card");
        if (f.link) card.href = f.link;
        card.dataset.key = f.key;
        card.appendChild(el("div", "figure-label", f.label));
        card.appendChild(el("div", "figure-value", f.text));
        // The morning's frozen briefing where it differs; a change of zero is not coloured.
        if (f.briefing_text !== null && f.briefing_text !== f.text) {
          var was = el("div", "was", fmt(root.dataset.briefing, "d", data.briefing.date) + " " + f.briefing_text + " ");
          var change = el("span", f.tone, (f.change > 0 ? "+" : "") + f.change);
          was.appendChild(change);
          card.appendChild(was);
        }
        row.appendChild(card);
      });
      sec.appendChild(row);
      box.appendChild(sec);
    });
    if (!data.communities.length) box.appendChild(el("p", "muted", root.dataset.empty));
  }

  function chart(id) {
    var node = document.getElementById(id);
    if (!window.echarts || !node) return null;
    if (!charts[id]) charts[id] = echarts.init(node);
    return charts[id];
  }

  function trend(data) {
    var ch = chart("command-trend");
    if (!ch) return;
    var t = data.trend;
    ch.setOption({
      color: ["#c8161d", "#1f6fb2", "#e08a00", "#2e8b57", "#7b4fa0", "#555"],
      tooltip: {trigger: "axis"}, legend: {top: 0, type: "scroll", textStyle: {fontSize: 11}},
      grid: {left: 40, right: 16, top: 40, bottom: 30},
      xAxis: {type: "category", data: t.days.map(function (d, i) {
        return i === t.days.length - 1 ? root.dataset.today : d.slice(5);
      })},
      yAxis: {type: "value", minInterval: 1},
      series: t.series.map(function (s) { return {name: s.name, type: "line", data: s.data, connectNulls: false}; })
    }, true);
  }

  function map(data) {
    var select = document.getElementById("command-metric");
    var wanted = select.value || (data.metrics[0] && data.metrics[0].key);
    select.replaceChildren();
    data.metrics.forEach(function (m) {
      var o = el("option", "", m.label);
      o.value = m.key;
      select.appendChild(o);
    });
    var metric = data.metrics.filter(function (m) { return m.key === wanted; })[0] || data.metrics[0];
    var ch = chart("command-map");
    if (!ch) return;
    if (!metric) { ch.clear(); return; }  // every figure zero everywhere: nothing to colour
    select.value = metric.key;
    var points = data.communities.map(function (c) {
      return {name: c.name, value: [c.lng, c.lat, c.values[metric.key] || 0], id: c.id};
    });
    var max = Math.max.apply(null, points.map(function (p) { return p.value[2]; }).concat([1]));
    ch.setOption({
      tooltip: {formatter: function (p) { return p.name + "：" + p.value[2]; }},
      grid: {left: 30, right: 90, top: 20, bottom: 50, containLabel: false},  // room for the names
      xAxis: {type: "value", scale: true, show: false}, yAxis: {type: "value", scale: true, show: false},
      visualMap: {min: 0, max: max, dimension: 2, orient: "horizontal", left: "center", bottom: 0,
                  calculable: true, inRange: {color: ["#f3e3e3", "#c8161d"]}},
      series: [{type: "scatter", symbolSize: function (v) { return 14 + 26 * v[2] / max; }, data: points,
                label: {show: true, position: "right", formatter: "{b}", fontSize: 11, color: "#333"}}]
    }, true);
    ch.off("click");
    ch.on("click", function (p) {
      if (metric.link && p.data) window.location.href = metric.link + (metric.link.indexOf("?") < 0 ? "?" : "&") + "area=" + p.data.id;
    });
  }

  function render(data) {
    last = data;
    document.getElementById("command-as-of").textContent = fmt(root.dataset.asOf, "t", data.as_of);
    document.getElementById("command-briefing").textContent = data.briefing
      ? fmt(root.dataset.briefing, "d", data.briefing.date) + " · " + data.briefing.as_of : "";
    figures(data);
    trend(data);
    map(data);
    root.dataset.loaded = data.at;
  }

  function load() {
    fetch(root.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {});
  }

  window.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("command");
    if (!root) return;
    document.getElementById("command-metric").addEventListener("change", function () { if (last) map(last); });
    load();
    window.setInterval(load, 1000 * parseInt(root.dataset.refresh || "60", 10));
    window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  });
})();
