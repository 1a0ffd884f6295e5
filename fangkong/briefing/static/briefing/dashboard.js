// The dashboard's charts (a static file: the Content-Security-Policy allows no inline script): a 30-day
// trend of each section's key figures and a bar chart of its first figure by street (or community).
// The data come from the json_script element the template renders, read from the briefing snapshots.
window.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;  // without npm the page still works, just without charts
  var data = JSON.parse(source.textContent);
  var charts = [];
  var colors = ["#c8161d", "#1f6fb2", "#e08a00", "#2e8b57"];
  data.charts.forEach(function (c) {
    var trend = document.getElementById("trend-" + c.key);
    if (trend) {
      var chart = echarts.init(trend);
      chart.setOption({
        color: colors, tooltip: {trigger: "axis"}, legend: {top: 0, textStyle: {fontSize: 11}},
        grid: {left: 40, right: 10, top: 40, bottom: 30},
        xAxis: {type: "category", data: data.days.map(function (d) { return d.slice(5); })},
        yAxis: {type: "value", minInterval: 1},
        series: c.series.map(function (s) { return {name: s.name, type: "line", data: s.data, connectNulls: false}; })
      });
      charts.push(chart);
    }
    var bars = document.getElementById("bars-" + c.key);
    if (bars && c.bars.areas.length) {
      var bchart = echarts.init(bars);
      bchart.setOption({
        tooltip: {}, grid: {left: 40, right: 10, top: 30, bottom: 70},
        title: {text: c.bars.label, textStyle: {fontSize: 13}},
        xAxis: {type: "category", data: c.bars.areas, axisLabel: {rotate: 30, interval: 0}},
        yAxis: {type: "value", minInterval: 1},
        series: [{type: "bar", data: c.bars.values, itemStyle: {color: "#c8161d"}}]
      });
      charts.push(bchart);
    }
  });
  window.addEventListener("resize", function () { charts.forEach(function (ch) { ch.resize(); }); });
});
