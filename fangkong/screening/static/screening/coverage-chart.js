// Coverage per street (a static file: the Content-Security-Policy allows no inline script).
window.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("coverage-chart");
  var source = document.getElementById("coverage-chart-data");
  if (!holder || !source || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  var untested = d.due.map(function (n, i) { return Math.max(0, n - d.tested[i]); });
  var chart = echarts.init(holder);
  chart.setOption({
    title: {text: d.labels.title, textStyle: {fontSize: 13}}, tooltip: {trigger: "axis"},
    legend: {top: 22, data: [d.labels.tested, d.labels.untested]},
    grid: {left: 50, right: 10, top: 60, bottom: 60},
    xAxis: {type: "category", data: d.names, axisLabel: {rotate: 30, interval: 0}}, yAxis: {type: "value"},
    series: [
      {name: d.labels.tested, type: "bar", stack: "all", data: d.tested, itemStyle: {color: "#2e7d32"}},
      {name: d.labels.untested, type: "bar", stack: "all", data: untested, itemStyle: {color: "#c8161d"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
