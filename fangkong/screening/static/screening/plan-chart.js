// The predicted wait per slot of a screening schedule, the staggered plan beside the naive one (everyone
// to the nearest site at opening). A static file: the Content-Security-Policy allows no inline script.
// Data: the json_script element #plan-chart-data, made by fangkong.screening.simulation.chart_data():
//   {slots: [...], planned: {max, mean, arrivals, max_wait, mean_wait, people, finish}, naive: {...}, labels}
// ECharts (window.echarts) is loaded from our static files before this script.
window.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("plan-chart");
  var source = document.getElementById("plan-chart-data");
  if (!holder || !source || !window.echarts) return;  // without ECharts the page keeps its table
  var data = JSON.parse(source.textContent);
  var L = data.labels || {};
  var FLOOR = 0.1;  // a log axis has no zero: waits under 6 seconds are drawn at 0.1 minute

  function floor(values) {
    return (values || []).map(function (v) { return v === null || v === undefined ? null : Math.max(v, FLOOR); });
  }
  function fmt(v) { return v === null || v === undefined ? "–" : (Math.round(v * 10) / 10).toString(); }
  function name(which, kind) {
    var s = data[which];
    var value = kind === "max" ? s.max_wait : s.mean_wait;
    return L[which] + " · " + L[kind] + " " + fmt(value) + " " + (L.unit || "min");
  }
  var raw = {};
  function series(which, kind, color) {
    var label = name(which, kind);
    raw[label] = {values: data[which][kind], text: L[which] + " · " + L[kind]};
    var s = {
      name: label, data: floor(data[which][kind]), itemStyle: {color: color}, emphasis: {focus: "series"}
    };
    if (kind === "max") { s.type = "bar"; s.barGap = "10%"; }
    else { s.type = "line"; s.connectNulls = false; s.symbolSize = 5; s.lineStyle = {width: 2, type: "dashed"}; }
    return s;
  }
  var all = [
    series("naive", "max", "#c8161d"), series("planned", "max", "#1f6feb"),
    series("naive", "mean", "#f08c00"), series("planned", "mean", "#2f9e44")
  ];
  var title = L.title + " — " + L.planned + ": " + L.max + " " + fmt(data.planned.max_wait) + ", " + L.mean + " " +
    fmt(data.planned.mean_wait) + " · " + L.naive + ": " + L.max + " " + fmt(data.naive.max_wait) + ", " + L.mean +
    " " + fmt(data.naive.mean_wait) + " (" + L.minutes + ")";
  var chart = echarts.init(holder);
  chart.setOption({
    animation: false,  // the figures matter, not the motion (and screenshots see the final chart)
    title: {text: title, textStyle: {fontSize: 13, width: holder.clientWidth - 20, overflow: "break"}, left: 0},
    tooltip: {
      trigger: "axis",
      formatter: function (items) {
        var lines = [items.length ? items[0].axisValue : ""];
        items.forEach(function (it) {
          var r = raw[it.seriesName] || {values: [], text: it.seriesName};
          lines.push(it.marker + r.text + ": " + fmt(r.values[it.dataIndex]) + " " + L.minutes);
        });
        return lines.join("<br>");
      }
    },
    legend: {bottom: 0},
    grid: {left: 50, right: 16, top: 75, bottom: 100},
    xAxis: {type: "category", data: data.slots, axisLabel: {rotate: 30}},
    yAxis: {type: "log", logBase: 10, min: FLOOR, name: L.minutes + " (log)", nameTextStyle: {align: "left"}},
    series: all
  });
  holder.dataset.ready = "1";  // for tests and for screenshots
  holder.setAttribute("aria-label", title);
  window.addEventListener("resize", function () { chart.resize(); });
});
