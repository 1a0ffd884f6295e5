// Workplace figures per street (workplaces/figures.html): open, reporting, missing and ledger items as
// bars per street. A static file: the CSP allows no inline script.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var holder = document.getElementById("workplaces-chart");
  if (!holder || !window.echarts) return;  // the table still says it all
  fetch(holder.getAttribute("data-url"), {credentials: "same-origin"})
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var streets = [], by = {};
      data.rows.forEach(function (r) {
        if (!(r.street in by)) { by[r.street] = {open: 0, reporting: 0, missing: 0, ledger_open: 0, ledger_overdue: 0}; streets.push(r.street); }
        ["open", "reporting", "missing", "ledger_open", "ledger_overdue"].forEach(function (k) { by[r.street][k] += r[k]; });
      });
      var L = data.labels;
      function col(k) { return streets.map(function (s) { return by[s][k]; }); }
      var chart = echarts.init(holder);
      chart.setOption({
        tooltip: {trigger: "axis"},
        legend: {top: 0},
        grid: {left: 40, right: 20, top: 50, bottom: 40},
        xAxis: {type: "category", data: streets},
        yAxis: {type: "value"},
        series: [
          {name: L.open, type: "bar", data: col("open")},
          {name: L.reporting, type: "bar", data: col("reporting")},
          {name: L.missing, type: "bar", data: col("missing"), itemStyle: {color: "#c8161d"}},
          {name: L.ledger_open, type: "bar", data: col("ledger_open")},
          {name: L.ledger_overdue, type: "bar", data: col("ledger_overdue"), itemStyle: {color: "#8a1015"}}
        ]
      });
      holder.setAttribute("data-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
});
