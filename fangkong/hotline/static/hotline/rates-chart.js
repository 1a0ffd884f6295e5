// The three rates over time (hotline/rates.html): orders received as bars, the rates as lines (%).
// A static file: the CSP allows no inline script.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var holder = document.getElementById("rates-chart");
  if (!holder || !window.echarts) return;  // the table above still says it all
  fetch(holder.getAttribute("data-url"), {credentials: "same-origin"})
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var L = data.labels;
      var chart = echarts.init(holder);
      chart.setOption({
        tooltip: {trigger: "axis"},
        legend: {top: 0},
        grid: {left: 40, right: 40, top: 50, bottom: 30},
        xAxis: {type: "category", data: data.periods},
        yAxis: [{type: "value"}, {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}}],
        series: [
          {name: L.received, type: "bar", data: data.received, itemStyle: {color: "#bbb"}},
          {name: L.response, type: "line", yAxisIndex: 1, data: data.rates.response},
          {name: L.resolution, type: "line", yAxisIndex: 1, data: data.rates.resolution},
          {name: L.satisfaction, type: "line", yAxisIndex: 1, data: data.rates.satisfaction}
        ]
      });
      holder.setAttribute("data-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
});
