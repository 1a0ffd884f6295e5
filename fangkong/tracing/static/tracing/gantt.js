// The cases of a cluster by onset: one bar per case from onset (or sampling) to transfer or sampling.
window.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("gantt");
  var source = document.getElementById("gantt-data");
  if (!holder || !source || !window.echarts) return;
  var rows = JSON.parse(source.textContent);
  var colours = ["#e6a23c", "#c8161d", "#9b59b6", "#909399", "#409eff"];
  var day = 86400000;
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: {formatter: function (p) { var r = rows[p.dataIndex]; return r.name + "<br>" + r.start + " → " + r.end; }},
    grid: {left: 160, right: 20, top: 10, bottom: 30},
    xAxis: {type: "time", max: Math.max.apply(null, rows.map(function (r) { return Date.parse(r.end); })) + 2 * day},
    yAxis: {type: "category", data: rows.map(function (r) { return r.name; }), inverse: true},
    series: [{
      type: "custom",
      renderItem: function (params, api) {
        var start = api.coord([api.value(0), api.value(2)]);
        var end = api.coord([api.value(1) + day, api.value(2)]);
        var h = api.size([0, 1])[1] * 0.6;
        return {type: "rect", shape: {x: start[0], y: start[1] - h / 2, width: Math.max(end[0] - start[0], 4), height: h},
                style: {fill: colours[rows[params.dataIndex].category % colours.length]}};
      },
      encode: {x: [0, 1], y: 2},
      data: rows.map(function (r, i) { return [Date.parse(r.start), Date.parse(r.end), i]; })
    }]
  });
  chart.on("click", function (p) {
    var r = rows[p.dataIndex];
    if (r) window.location.href = holder.dataset.caseUrl.replace(/\/0\/$/, "/" + r.case + "/");
  });
  holder.dataset.rendered = "1";
});
