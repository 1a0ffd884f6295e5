// The children bar chart of an area page (a static file: the Content-Security-Policy allows no
// inline script). Data comes from the json_script element the template renders.
window.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("children-chart");
  var source = document.getElementById("children-chart-data");
  if (!holder || !source || !window.echarts) return;  // without npm the page still works, just without the chart
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: {}, grid: {left: 40, right: 10, top: 30, bottom: 60},
    title: {text: data.label, textStyle: {fontSize: 13}},
    xAxis: {type: "category", data: data.names, axisLabel: {rotate: 30, interval: 0}},
    yAxis: {type: "value"}, series: [{type: "bar", data: data.values, itemStyle: {color: "#c8161d"}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
