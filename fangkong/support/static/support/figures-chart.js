// A closure's figures per day (support/figures.html): requests filed, medicine orders, deliveries and
// overdue as bars, the same-day share as a line. A static file: the CSP allows no inline script.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var holder = document.getElementById("support-chart");
  if (!holder || !window.echarts) return;  // the table above still says it all
  fetch(holder.getAttribute("data-url"), {credentials: "same-origin"})
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var days = data.days.map(function (d) { return d.day.slice(5); });
      var L = data.labels;
      function col(key) { return data.days.map(function (d) { return d[key]; }); }
      var share = data.days.map(function (d) { return d.same_day_share === null ? null : Math.round(d.same_day_share * 100); });
      var chart = echarts.init(holder);
      chart.setOption({
        tooltip: {trigger: "axis"},
        legend: {top: 0},
        grid: {left: 40, right: 40, top: 50, bottom: 30},
        xAxis: {type: "category", data: days},
        yAxis: [{type: "value"}, {type: "value", max: 100, axisLabel: {formatter: "{value}%"}}],
        series: [
          {name: L.requests, type: "bar", data: col("requests")},
          {name: L.medicine_orders, type: "bar", data: col("medicine_orders")},
          {name: L.delivered, type: "bar", data: col("delivered")},
          {name: L.overdue, type: "bar", data: col("overdue"), itemStyle: {color: "#c8161d"}},
          {name: L.vulnerable_visited, type: "bar", data: col("vulnerable_visited")},
          {name: L.same_day_share, type: "line", yAxisIndex: 1, data: share}
        ]
      });
      holder.setAttribute("data-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
});
