// Workers deployed against needed, and attendance, per day (a static file: the CSP allows no inline script).
window.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("workforce-chart");
  var source = document.getElementById("workforce-chart-data");
  if (!holder || !source || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    title: {text: d.labels.title, textStyle: {fontSize: 13}}, tooltip: {trigger: "axis"},
    legend: {top: 22, data: [d.labels.deployed, d.labels.needed, d.labels.attendance]},
    grid: {left: 50, right: 50, top: 60, bottom: 40},
    xAxis: {type: "category", data: d.dates},
    yAxis: [{type: "value"}, {type: "value", min: 0, max: 100}],
    series: [
      {name: d.labels.deployed, type: "bar", data: d.deployed, itemStyle: {color: "#2e7d32"}},
      {name: d.labels.needed, type: "line", data: d.needed, itemStyle: {color: "#c8161d"}},
      {name: d.labels.attendance, type: "line", yAxisIndex: 1, data: d.attendance, itemStyle: {color: "#1565c0"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
